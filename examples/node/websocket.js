// A WebSocket upgrade done by hand (RFC 6455), server and client in one
// process on 127.0.0.1, with nothing but `net` and `crypto`:
//
//   1. the client sends an HTTP/1.1 GET with `Upgrade: websocket` and a
//      random 16-byte `Sec-WebSocket-Key` (base64);
//   2. the server answers `101 Switching Protocols` with
//      `Sec-WebSocket-Accept` = base64(SHA-1(key + the RFC 6455 GUID));
//   3. the client checks that value, then sends one *masked* text frame
//      ("hi"): a client must mask every frame it sends;
//   4. the server answers with one *unmasked* text frame ("hi yourself");
//   5. close frames both ways (code 1000), then the TCP close: the server
//      closes first, so it waits in TIME_WAIT.
//
//   node examples/node/websocket.js
//   sudo $(command -v synack) trace -- node examples/node/websocket.js
'use strict';
const net = require('net');
const crypto = require('crypto');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const log = (side, what) => console.log(`[${side}] ${what}`);
const acceptFor = (key) => crypto.createHash('sha1').update(key + GUID).digest('base64');

// One frame: FIN set, the opcode, the length (short frames only here),
// and with `mask` a 4-byte masking key that XORs the payload.
function frame(opcode, payload, mask) {
  const head = [0x80 | opcode, (mask ? 0x80 : 0) | payload.length];
  if (payload.length > 125) throw new Error('this example sends short frames only');
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

// Read one short frame: [fin+opcode, mask+len, (key), payload].
function parse(buf) {
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  const len = buf[1] & 0x7f;
  let at = 2;
  let key = null;
  if (masked) { key = buf.subarray(2, 6); at = 6; }
  const payload = Buffer.from(buf.subarray(at, at + len));
  if (key) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i % 4];
  return { opcode, masked, payload };
}

const OPCODE = { text: 0x1, close: 0x8 };

const server = net.createServer((socket) => {
  let upgraded = false;
  socket.on('data', (d) => {
    if (!upgraded) {
      const req = d.toString();
      const key = /Sec-WebSocket-Key: (.+)\r\n/i.exec(req)[1].trim();
      log('server', `upgrade request, key ${key}`);
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\n' +
          'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`
      );
      upgraded = true;
      return;
    }
    const f = parse(d);
    if (f.opcode === OPCODE.text) {
      log('server', `text frame (masked: ${f.masked}) ${JSON.stringify(f.payload.toString())}`);
      socket.write(frame(OPCODE.text, Buffer.from('hi yourself'), false));
    } else if (f.opcode === OPCODE.close) {
      log('server', `close frame, code ${f.payload.readUInt16BE(0)}`);
      // Answer the close, then close the TCP connection: server first.
      socket.end(frame(OPCODE.close, f.payload.subarray(0, 2), false));
    }
  });
  socket.on('close', () => { log('server', "'close'"); server.close(); });
});

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const key = crypto.randomBytes(16).toString('base64');
  const socket = net.connect(port, '127.0.0.1', () => {
    socket.write(
      'GET /chat HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${port}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`
    );
  });
  let upgraded = false;
  socket.on('data', (d) => {
    if (!upgraded) {
      const res = d.toString();
      const got = /Sec-WebSocket-Accept: (.+)\r\n/i.exec(res)[1].trim();
      const ok = got === acceptFor(key);
      log('client', `${res.split('\r\n')[0]}; accept ${got} ${ok ? 'checks out' : 'is WRONG'}`);
      if (!ok) process.exit(1);
      upgraded = true;
      socket.write(frame(OPCODE.text, Buffer.from('hi'), true));
      return;
    }
    const f = parse(d);
    if (f.opcode === OPCODE.text) {
      log('client', `text frame (masked: ${f.masked}) ${JSON.stringify(f.payload.toString())}`);
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      socket.write(frame(OPCODE.close, code, true));
    } else if (f.opcode === OPCODE.close) {
      log('client', `close frame, code ${f.payload.readUInt16BE(0)}`);
    }
  });
  socket.on('end', () => { log('client', "'end' (the server's FIN)"); socket.end(); });
  socket.on('close', () => log('client', "'close'"));
});
