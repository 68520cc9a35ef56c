// A misbehaving agent for robustness tests: 50 MB of output with invalid UTF-8, split multibyte
// characters, stray escape sequences and one 1 MB line without a newline; then it says DONE.
const chunk = Buffer.concat([
  Buffer.from('ok \x1b[31mred\x1b[0m '),
  Buffer.from([0xff, 0xfe, 0xc3]), // invalid bytes and half a two-byte character
  Buffer.from('\x1b[?1049h\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b[999;999H'),
  Buffer.from('中文 emoji 🎉\r\n'),
]);
const total = 50 * 1024 * 1024;
let written = 0;
const longLine = Buffer.alloc(1024 * 1024, 'x');
const pump = () => {
  while (written < total) {
    const piece = written === 10 * 1024 * 1024 ? longLine : chunk;
    written += piece.length;
    if (!process.stdout.write(piece)) return process.stdout.once('drain', pump);
  }
  process.stdout.write('\x1b[?1049l\r\nDONE\r\n');
};
pump();
process.stdin.resume();
