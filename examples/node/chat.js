// A chat server that sends each line it receives to every other client,
// and three clients that join, say one line each, and leave one by one.
// Several connections to one listening socket, on one ladder:
//   sudo $(command -v synack) trace -- node examples/node/chat.js
//
//   node examples/node/chat.js server 8080   # only the server (Ctrl-C ends it)
'use strict';
const net = require('net');

const [mode = 'both', portArg = '0'] = process.argv.slice(2);
const log = (side, what) => console.log(`[${side}] ${what}`);
const clients = new Set();

const server = net.createServer((socket) => {
  const name = `guest${socket.remotePort}`;
  clients.add(socket);
  log('server', `${name} joined (${clients.size} connected)`);
  socket.setEncoding('utf8');
  let pending = '';
  socket.on('data', (d) => {
    pending += d;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      // Broadcast: one write, so one segment, on each other connection.
      for (const other of clients) if (other !== socket) other.write(`${line}\n`);
    }
  });
  socket.on('end', () => socket.end());
  socket.on('close', () => {
    clients.delete(socket);
    log('server', `${name} left (${clients.size} connected)`);
    if (mode === 'both' && clients.size === 0) server.close();
  });
});

function client(id, port) {
  return new Promise((joined) => {
    const socket = net.connect(port, '127.0.0.1', () => joined(socket));
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      for (const line of d.split('\n').filter(Boolean)) log(`client ${id}`, `got ${JSON.stringify(line)}`);
    });
    socket.on('close', () => log(`client ${id}`, "'close'"));
  });
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

server.listen(Number(portArg), '127.0.0.1', async () => {
  const port = server.address().port;
  log('server', `listening on ${port}`);
  if (mode === 'server') return;
  const a = await client('A', port);
  const b = await client('B', port);
  const c = await client('C', port);
  await wait(50); // all three accepted before anyone speaks
  for (const [id, s] of [['A', a], ['B', b], ['C', c]]) {
    s.write(`${id}: hello\n`);
    await wait(50);
  }
  // Leave one by one: each client closes first, so each waits in TIME_WAIT.
  for (const s of [a, b, c]) {
    s.end();
    await wait(50);
  }
});
