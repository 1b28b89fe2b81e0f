// HeaderTarget over one of the stream's header maps in the host.
import { HeaderMap } from "../../sdk/index";
import { HeaderTarget } from "./operations";

export class HttpHeaderTarget extends HeaderTarget {
  /** The map edited now (the filter re-points it at each callback's map). */
  map: HeaderMap | null = null;

  get(name: string): string | null {
    return this.map!.get(name);
  }

  getAll(name: string): string[] {
    const values = new Array<string>();
    // One cheap lookup first: reading the whole map only pays off when the header is there.
    if (this.map!.get(name) === null) return values;
    const entries = this.map!.entries();
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].name == name) values.push(entries[i].value);
    }
    return values;
  }

  set(name: string, value: string): void {
    this.map!.set(name, value);
  }

  add(name: string, value: string): void {
    this.map!.add(name, value);
  }

  remove(name: string): void {
    this.map!.remove(name);
  }
}
