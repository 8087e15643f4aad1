/** FaultControl over a fault proxy: the same for every networked harness but for which requests are part uploads. */
import type { FaultProxy } from "../fault-proxy.js";
import type { FaultControl, FaultRule } from "./harness.js";

export class ProxyFaults implements FaultControl {
  constructor(
    private readonly proxy: () => FaultProxy,
    /** The requests that carry one part to this service; other requests stay clean unless a rule says otherwise. */
    readonly partUploads: { readonly method: string; readonly pathPattern: RegExp },
    readonly finalStep?: { readonly method: string; readonly pathPattern: RegExp },
  ) {}

  setFaults(rules: readonly FaultRule[]): void {
    this.proxy().setFaults(rules);
  }

  clearFaults(): void {
    this.proxy().clearFaults();
  }

  injected(): { reset: number; status: number; stall: number; "drop-response": number } {
    const { reset, status, stall } = this.proxy().stats.faults;
    return { reset, status, stall, "drop-response": this.proxy().stats.faults["drop-response"] };
  }
}
