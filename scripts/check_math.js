// Parses every math span of a Markdown file with KaTeX and fails on the first that does not
// parse: a check, by a LaTeX implementation nobody here wrote, of optform's markdown output.
// Usage: NODE_PATH=<dir with katex> node scripts/check_math.js FILE.md [...]
const fs = require("fs");
const katex = require("katex");

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  // Display blocks first, then inline spans in what remains.
  const blocks = [];
  const rest = text.replace(/\$\$([\s\S]*?)\$\$/g, (_, m) => {
    blocks.push([m, true]);
    return " ";
  });
  for (const m of rest.matchAll(/\$([^$\n]+)\$/g)) blocks.push([m[1], false]);
  for (const [tex, display] of blocks) {
    checked += 1;
    try {
      katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error" });
    } catch (e) {
      failures += 1;
      console.error(`${file}: ${e.message}\n  in: ${tex.trim()}`);
    }
  }
}
console.log(`${checked} math spans checked, ${failures} failed`);
process.exit(failures ? 1 : 0);
