import { describe, expect, it } from 'vitest';
import { channelFields, choiceOf } from '../components/alerts/channels-api';

describe("a search's or favourite's channels as the page sends and reads them", () => {
  it('the default (page only, instant) is sent as nothing, so a server without channels takes it', () => {
    expect(channelFields({ channels: ['page'], frequency: 'instant' })).toEqual({});
    expect(channelFields({ channels: ['page'], frequency: 'daily' })).toEqual({ channels: ['page'], frequency: 'daily' });
    expect(channelFields({ channels: ['page', 'email'], frequency: 'instant' })).toEqual({ channels: ['page', 'email'], frequency: 'instant' });
    expect(channelFields({ channels: ['push'], frequency: 'instant' })).toEqual({ channels: ['push'], frequency: 'instant' });
  });

  it('what the server gave, or the default where it gave none', () => {
    expect(choiceOf({})).toEqual({ channels: ['page'], frequency: 'instant' });
    expect(choiceOf({ channels: [] })).toEqual({ channels: ['page'], frequency: 'instant' });
    expect(choiceOf({ channels: ['email'], frequency: 'daily' })).toEqual({ channels: ['email'], frequency: 'daily' });
  });
});
