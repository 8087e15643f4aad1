// Preloaded with `node --import`: appends the URL of every module the process
// resolves to the file named by TARTAPE_MODULE_LOG.
import fs from "node:fs";
import module from "node:module";

const log = process.env.TARTAPE_MODULE_LOG;
if (log) {
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      fs.appendFileSync(log, `${resolved.url}\n`);
      return resolved;
    },
  });
}
