// Builds the three server images locally with podman, for a machine that has no image registry:
// each is FROM scratch, holding the same server the process mode runs (MinIO and fake-gcs-server
// from the Go-built binaries in the tartape cache, Azurite from npm on this Node), with the shared
// libraries those binaries load, and tagged with the official name and pinned tag so the tests
// run them unchanged. The label tartape.local-build says what an image really holds; the label
// tartape.stamp, a hash of everything that went in, lets a rerun skip an unchanged image.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Bump to rebuild every image when the recipes below change in a way the inputs do not show. */
const RECIPE_VERSION = "1";

/** Shared libraries a dynamic executable loads (nothing for a static one). */
function sharedLibraries(binary) {
  const result = spawnSync("ldd", [binary], { encoding: "utf8" });
  if (result.status !== 0) return [];
  return [...result.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]).filter((p) => fs.existsSync(p));
}

/** Places `source` at `rootfs/<target>`: a hard link when possible (no copy of a 150 MB binary), else a copy. */
function place(rootfs, source, target, mode) {
  const dest = path.join(rootfs, target);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const real = fs.realpathSync(source);
  try {
    fs.linkSync(real, dest);
  } catch {
    fs.copyFileSync(real, dest);
    // Only a copy: a hard link shares its mode with the original.
    if (mode !== undefined) fs.chmodSync(dest, mode);
  }
}

function writeFile(rootfs, target, text, mode) {
  const dest = path.join(rootfs, target);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, text, { mode });
}

/** The files an image holds from this machine: each binary and the shared libraries it loads, and CA certificates. */
function hostFiles(binaries) {
  const files = [];
  for (const [source, target] of binaries) {
    files.push([source, target, 0o755]);
    for (const lib of sharedLibraries(source)) files.push([lib, lib]);
  }
  const certs = "/etc/ssl/certs/ca-certificates.crt";
  if (fs.existsSync(certs)) files.push([certs, certs]);
  return files;
}

/**
 * The recipes: each image's Containerfile lines (after FROM scratch / COPY rootfs), what it is
 * built from, the files it takes from this machine and anything else its rootfs needs.
 */
function recipes({ binDir, images }) {
  const pinOf = (name) => fs.readFileSync(path.join(binDir, `${name}.version`), "utf8").trim();
  return [
    {
      image: images.minio,
      builtFrom: () => `${pinOf("minio")} (go install)`,
      // Like the official image's entrypoint, which runs `minio <args>`.
      containerfile: ["ENV HOME=/root", 'ENTRYPOINT ["/usr/bin/minio"]'],
      files: () => hostFiles([[path.join(binDir, "minio"), "usr/bin/minio"]]),
      extra: () => {},
    },
    {
      image: images.fakeGcs,
      builtFrom: () => `${pinOf("fake-gcs-server")} (go install)`,
      // The official image's entrypoint.
      containerfile: ['ENTRYPOINT ["/bin/fake-gcs-server", "-data", "/data"]'],
      files: () => hostFiles([[path.join(binDir, "fake-gcs-server"), "bin/fake-gcs-server"]]),
      extra: (rootfs) => fs.mkdirSync(path.join(rootfs, "storage")),
    },
    {
      image: images.azurite,
      builtFrom: () => `azurite@${images.azuriteVersion} (npm) on Node ${process.version}`,
      // The official image runs `azurite` from PATH (@testcontainers/azurite sets that entrypoint);
      // a node script as launcher needs no shell in the image.
      containerfile: ["ENV HOME=/root PATH=/usr/local/bin:/usr/bin:/bin", "WORKDIR /data", 'ENTRYPOINT ["azurite"]'],
      files: () => hostFiles([[process.execPath, "usr/local/bin/node"]]),
      extra: (rootfs, { cache, log }) => {
        writeFile(rootfs, "usr/local/bin/azurite", '#!/usr/local/bin/node\nrequire("/opt/azurite/node_modules/azurite/dist/src/azurite.js");\n', 0o755);
        const installed = ensureAzurite(cache, images.azuriteVersion, log);
        fs.mkdirSync(path.join(rootfs, "opt"));
        // cp -al: hard links, so the 240 MB of node_modules are not copied.
        execFileSync("cp", ["-a", "--link", installed, path.join(rootfs, "opt", "azurite")]);
      },
    },
  ];
}

/** npm-installs azurite@version once into the cache (a later rebuild reuses it). */
function ensureAzurite(cache, version, log) {
  const dir = path.join(cache, `azurite-${version}`);
  const marker = path.join(dir, "node_modules", "azurite", "package.json");
  if (fs.existsSync(marker) && JSON.parse(fs.readFileSync(marker, "utf8")).version === version) return dir;
  log(`installing azurite@${version} from npm into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const npm = spawnSync("npm", ["install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--omit=dev", `azurite@${version}`], { stdio: ["ignore", "ignore", "inherit"] });
  if (npm.error) throw new Error(`npm could not be run to install azurite@${version}: ${npm.error.message}`);
  if (npm.status !== 0) throw new Error(`npm install azurite@${version} failed (exit ${npm.status}); see its output above`);
  return dir;
}

/**
 * Builds whichever of the three images is missing or stale. `podman(args, options)` runs podman
 * (with this run's containers.conf) and returns spawnSync's result.
 */
export function buildLocalImages({ podman, binDir, cache, images, log }) {
  fs.mkdirSync(cache, { recursive: true });
  for (const recipe of recipes({ binDir, images })) {
    const started = Date.now();
    const builtFrom = recipe.builtFrom();
    const files = recipe.files();
    const containerfile = ["FROM scratch", "COPY rootfs/ /", ...recipe.containerfile].join("\n") + "\n";
    const hash = createHash("sha256").update(`${RECIPE_VERSION}\0${containerfile}\0${builtFrom}\0`);
    for (const [source, target] of files) hash.update(`${source}\0${target}\0`).update(fs.readFileSync(source));
    const stamp = hash.digest("hex").slice(0, 32);
    const current = podman(["image", "inspect", "--format", '{{index .Config.Labels "tartape.stamp"}}', recipe.image], { encoding: "utf8" });
    if (current.status === 0 && current.stdout.trim() === stamp) {
      log(`${recipe.image}: up to date (built from ${builtFrom})`);
      continue;
    }
    // In the cache, beside the npm-installed Azurite, so hard links work.
    const context = fs.mkdtempSync(path.join(cache, "build-"));
    try {
      const rootfs = path.join(context, "rootfs");
      for (const dir of ["tmp", "data", "root"]) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
      fs.chmodSync(path.join(rootfs, "tmp"), 0o1777);
      for (const [source, target, mode] of files) place(rootfs, source, target, mode);
      recipe.extra(rootfs, { cache, log });
      fs.writeFileSync(path.join(context, "Containerfile"), containerfile);
      const built = podman(
        ["build", "--quiet", "--label", `tartape.stamp=${stamp}`, "--label", `tartape.local-build=${builtFrom}`, "--tag", recipe.image, "--file", path.join(context, "Containerfile"), context],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
      if (built.status !== 0) throw new Error(`podman build of ${recipe.image} failed (exit ${built.status}); see its output above`);
      log(`${recipe.image}: built from ${builtFrom} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
  }
  // The images these builds replaced, now untagged.
  podman(["image", "prune", "--force"], { stdio: "ignore" });
}
