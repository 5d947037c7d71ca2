import { AreaSummary } from '@/components/area-summary';

export default function Home() {
  return (
    <main>
      <h1>Roost</h1>
      <p className="lede">Homes to rent, by area. The map arrives next; these are the live counts it will show.</p>
      <AreaSummary />
    </main>
  );
}
