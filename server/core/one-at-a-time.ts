/**
 * A piece of work that runs one at a time: asked while it runs, it runs once more when it
 * is done (however many times it was asked), so a burst of doorbells is one read after the
 * one in hand. A failure is the next ask's to retry (deliveries poll anyway).
 */
export class OneAtATime {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly work: () => Promise<void>) {}

  ask(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.ask();
        }
      });
  }
}
