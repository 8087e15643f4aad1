/** Object keys that are new in every run, so a bucket kept from an earlier run never holds one already. */
import { randomBytes } from "node:crypto";

export class FreshKeys {
  /** Random per instance: tells this run's keys (and names) from an earlier run's. */
  readonly runTag = randomBytes(3).toString("hex");
  private count = 0;

  /** `separator` joins the label to the unique part: "/" makes the label a folder. */
  constructor(private readonly separator: "/" | "-" = "/") {}

  /** `<label><separator><runTag>-<n>.tar`, with the label reduced to characters every service accepts. */
  next(label: string): string {
    return `${label.replace(/[^A-Za-z0-9-]/g, "-")}${this.separator}${this.runTag}-${++this.count}.tar`;
  }
}
