/**
 * A signed-in device as its owner knows it — "Chrome on Android", "Safari on iPhone" — from
 * the browser's User-Agent, which the devices list showed whole ("Mozilla/5.0 (X11; Linux
 * x86_64) AppleWebKit/537.36 …"): nobody can tell which of their devices to sign out by that.
 */
export interface DeviceName {
  browser: string | null;
  os: string | null;
}

// Order matters: Edge, Opera and Samsung's browser also call themselves Chrome and Safari;
// Chrome calls itself Safari; every browser on an iPhone says Safari's engine.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bCriOS\/|\b(?:Headless)?Chrome\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'Mac'],
  [/\bLinux\b/, 'Linux'],
];

export function deviceName(userAgent: string): DeviceName {
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? null;
  const os = SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? null;
  return { browser, os };
}
