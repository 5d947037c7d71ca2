/** A name ↔ small-integer dictionary, so area columns are 16-bit. */
export class Dictionary {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id > 0xffff) throw new Error('more than 65,536 distinct area names');
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}
