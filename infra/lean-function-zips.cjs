"use strict";
/**
 * osls plugin: each function's zip keeps only the modules its handler can load. serverless-esbuild builds every
 * function into the same folder and, with `splitting`, zips all of that folder's chunks into every function (the
 * chunks of the other functions too, some twice under two hashes); it has no option to leave them out: its pack
 * step (node_modules/serverless-esbuild/dist/pack.js) zips every file of the build folder except the other
 * handlers. Listed after serverless-esbuild, whose `after:package:createDeploymentArtifacts` hook leaves the zips
 * in `.serverless/`, this rewrites each function's zip to hold its handler module and, transitively, every chunk a
 * kept module imports (`import ... from`, `import "..."`, `export ... from` or `import()`); other entries that are
 * not JavaScript stay. Kept entries are copied byte for byte (no recompression: same timestamps and modes). A
 * chunk that a kept module imports but the zip lacks fails packaging: that function would fail at runtime.
 */
const { readFileSync, writeFileSync } = require("node:fs");
const { isAbsolute, join, posix } = require("node:path");
const { inflateRawSync } = require("node:zlib");

const JAVASCRIPT = /\.(?:mjs|cjs|js)$/;
/** How Lambda's Node.js runtime looks for a handler module, in order. */
const HANDLER_EXTENSIONS = [".mjs", ".js", ".cjs"];
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const CENTRAL_ENTRY_BYTES = 46;
const END_RECORD_BYTES = 22;

class ZipRewriteError extends Error {
  constructor(message) {
    super(message);
    this.name = "ZipRewriteError";
  }
}

/** The entries of a zip (no ZIP64: function zips are far below 4 GiB), with the byte ranges to copy them. */
function readZip(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY)
    throw new ZipRewriteError("not a zip archive");
  const count = zip.readUInt16LE(end + 10);
  const centralStart = zip.readUInt32LE(end + 16);
  const entries = [];
  let offset = centralStart;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_ENTRY) throw new ZipRewriteError("corrupt central directory");
    const nameLength = zip.readUInt16LE(offset + 28);
    const length =
      CENTRAL_ENTRY_BYTES + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString("utf8", offset + CENTRAL_ENTRY_BYTES, offset + CENTRAL_ENTRY_BYTES + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localOffset: zip.readUInt32LE(offset + 42),
      central: zip.subarray(offset, offset + length),
    });
    offset += length;
  }
  // A local record (header, data, optional data descriptor) runs to the next record or the central directory.
  const starts = [...entries.map((entry) => entry.localOffset), centralStart].sort((a, b) => a - b);
  for (const entry of entries)
    entry.localEnd = starts.find((start) => start > entry.localOffset) ?? centralStart;
  return entries;
}

/** The uncompressed content of an entry (stored or deflated). */
function entryContent(zip, entry) {
  const nameLength = zip.readUInt16LE(entry.localOffset + 26);
  const extraLength = zip.readUInt16LE(entry.localOffset + 28);
  const start = entry.localOffset + 30 + nameLength + extraLength;
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 0 ? Buffer.from(data) : inflateRawSync(data);
}

/** A zip of `entries` of `zip`, in the given order, each copied unchanged. */
function writeZip(zip, entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const local = zip.subarray(entry.localOffset, entry.localEnd);
    const central = Buffer.from(entry.central);
    central.writeUInt32LE(offset, 42);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const centralBytes = centrals.reduce((sum, central) => sum + central.length, 0);
  const end = Buffer.alloc(END_RECORD_BYTES);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * The relative module specifiers of an ES module as esbuild writes it: `static` ones load with the module (a cold
 * start loads them), `dynamic` ones (`import("...")`) on first use. Bare specifiers (node:fs, module) are not files.
 */
function moduleImports(source) {
  const dynamic = [...source.matchAll(/\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
  const statics = [...source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  return { static: [...new Set(statics)], dynamic: [...new Set(dynamic)] };
}

/**
 * The JavaScript files reachable from `entry` through `importsOf(file)` ({static, dynamic} of specifiers), as
 * zip paths; `staticOnly` follows the static imports alone (what a cold start loads). Throws on an import of a
 * file `exists` denies.
 */
function reachableModules(entry, importsOf, exists, { staticOnly = false } = {}) {
  const reached = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    const imports = importsOf(file);
    for (const specifier of staticOnly ? imports.static : [...imports.static, ...imports.dynamic]) {
      const target = posix.join(posix.dirname(file), specifier);
      if (!exists(target))
        throw new ZipRewriteError(`${file} imports ${specifier}, which the zip does not hold`);
      pending.push(target);
    }
  }
  return reached;
}

/** The handler module's path in the zip for a function's `handler` (src/handlers/x.handler). */
function handlerModule(handler, names) {
  const base = handler.slice(0, handler.lastIndexOf("."));
  const found = HANDLER_EXTENSIONS.map((extension) => base + extension).find((name) => names.has(name));
  if (!found) throw new ZipRewriteError(`no module for handler ${handler} in its zip`);
  return found;
}

/** `zip` without the JavaScript files `handler` cannot load; `removed` names what went. */
function leanZip(zip, handler) {
  const entries = readZip(zip);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const names = new Set(byName.keys());
  const entry = handlerModule(handler, names);
  const importsOf = (file) => moduleImports(entryContent(zip, byName.get(file)).toString("utf8"));
  const reached = reachableModules(entry, importsOf, (file) => names.has(file));
  const kept = entries.filter((candidate) => !JAVASCRIPT.test(candidate.name) || reached.has(candidate.name));
  return {
    zip: writeZip(zip, kept),
    removed: entries.filter((candidate) => !kept.includes(candidate)).map((candidate) => candidate.name),
  };
}

/**
 * What a function's zip holds, for the bench and the packaging test: its files, the bytes of JavaScript, the
 * JavaScript files its handler cannot load, files of identical content, and what a cold start loads (the handler
 * and its static imports, transitively).
 */
function describeFunctionZip(zip, handler) {
  const entries = readZip(zip);
  const contents = new Map(entries.map((entry) => [entry.name, entryContent(zip, entry)]));
  const names = new Set(contents.keys());
  const javascript = [...names].filter((name) => JAVASCRIPT.test(name));
  const entry = handlerModule(handler, names);
  const importsOf = (file) => moduleImports(contents.get(file).toString("utf8"));
  const exists = (file) => names.has(file);
  const reachable = reachableModules(entry, importsOf, exists);
  const coldStart = reachableModules(entry, importsOf, exists, { staticOnly: true });
  const byContent = new Map();
  for (const [name, content] of contents) {
    const key = content.toString("base64");
    byContent.set(key, [...(byContent.get(key) ?? []), name]);
  }
  const bytesOf = (files) => [...files].reduce((sum, name) => sum + contents.get(name).length, 0);
  return {
    handlerFile: entry,
    files: names.size,
    javascriptBytes: bytesOf(javascript),
    unreachable: javascript.filter((name) => !reachable.has(name)),
    duplicates: [...byContent.values()].filter((group) => group.length > 1),
    coldStartFiles: [...coldStart],
    coldStartBytes: bytesOf(coldStart),
  };
}

class LeanFunctionZipsPlugin {
  constructor(serverless, _options, { log } = {}) {
    const rewrite = () => {
      const serviceDir = serverless.serviceDir ?? serverless.config.servicePath;
      for (const [name, func] of Object.entries(serverless.service.functions ?? {})) {
        const artifact = func?.package?.artifact;
        if (!func?.handler || typeof artifact !== "string" || !artifact.endsWith(".zip")) continue;
        const path = isAbsolute(artifact) ? artifact : join(serviceDir, artifact);
        const lean = leanZip(readFileSync(path), func.handler);
        writeFileSync(path, lean.zip);
        log?.verbose?.(`${name}: left ${lean.removed.length} modules its handler cannot load out of its zip`);
      }
    };
    this.hooks = {
      "after:package:createDeploymentArtifacts": rewrite,
      "after:deploy:function:packageFunction": rewrite,
    };
  }
}

module.exports = LeanFunctionZipsPlugin;
module.exports.leanZip = leanZip;
module.exports.describeFunctionZip = describeFunctionZip;
module.exports.readZip = readZip;
module.exports.entryContent = entryContent;
module.exports.moduleImports = moduleImports;
module.exports.reachableModules = reachableModules;
module.exports.ZipRewriteError = ZipRewriteError;
