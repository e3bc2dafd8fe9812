// Server-sent events read with fetch, because EventSource cannot send the bearer token: each
// event block of `answer`'s body goes to `onBlock` (its `event:` and `data:` lines) until it ends.
async function readEventBlocks(answer, onBlock) {
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer = (buffer + value).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      onBlock(block);
    }
  }
}
