/** FaultControl over a fault proxy: the same for every networked harness but for which requests are part uploads. */
import type { FaultProxy } from "../fault-proxy.js";
import type { FaultControl, FaultRule } from "./harness.js";

export class ProxyFaults implements FaultControl {
  constructor(
    private readonly proxy: () => FaultProxy,
    /** The requests that carry one part to this service; other requests stay clean unless a rule says otherwise. */
    readonly partUploads: { readonly method: string; readonly pathPattern: RegExp },
    readonly finalStep?: { readonly method: string; readonly pathPattern: RegExp },
    /** A content read names the key's last segment followed by the query or nothing (`<key>.tartape-catalog` does not match). */
    private readonly contentRead: (lastSegment: string) => RegExp = (segment) => new RegExp(`/${segment}(\\?|$)`),
  ) {}

  objectReads(key: string): { method: string; pathPattern: RegExp } {
    const segment = key.slice(key.lastIndexOf("/") + 1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return { method: "GET", pathPattern: this.contentRead(segment) };
  }

  setFaults(rules: readonly FaultRule[]): void {
    this.proxy().setFaults(rules);
  }

  clearFaults(): void {
    this.proxy().clearFaults();
  }

  responseBytes(): number {
    return this.proxy().stats.responseBytes;
  }

  injected(): { reset: number; status: number; stall: number; "drop-response": number; flip: number } {
    const { reset, status, stall, flip } = this.proxy().stats.faults;
    return { reset, status, stall, "drop-response": this.proxy().stats.faults["drop-response"], flip };
  }
}
