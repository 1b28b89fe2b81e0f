// HeaderTarget over one of the stream's header maps in the host.
import { HeaderMap } from "../../sdk/index";
import { HeaderTarget } from "./operations";

export class HttpHeaderTarget extends HeaderTarget {
  constructor(private readonly map: HeaderMap) {
    super();
  }

  get(name: string): string | null {
    return this.map.get(name);
  }

  getAll(name: string): string[] {
    const values = new Array<string>();
    const entries = this.map.entries();
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].name == name) values.push(entries[i].value);
    }
    return values;
  }

  set(name: string, value: string): void {
    this.map.set(name, value);
  }

  add(name: string, value: string): void {
    this.map.add(name, value);
  }

  remove(name: string): void {
    this.map.remove(name);
  }
}
