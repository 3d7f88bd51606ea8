// An echo server and its client, in one process, on 127.0.0.1.
//
//   node examples/node/echo.js              # both ends, then exit
//   node examples/node/echo.js server 8080  # only the server
//   node examples/node/echo.js client 8080  # only the client
//
// Each line printed is a Node.js event with the side it happened on, so it
// can be read beside synack's ladder:
//   sudo $(command -v synack) trace -- node examples/node/echo.js
//
// What the wire shows for each event (Linux, loopback):
//   server.listen()        listen(): no segment; the socket is in LISTEN
//   net.connect()          connect(): the SYN; the kernel answers SYN/ACK
//   client 'connect'       the SYN/ACK arrived; the client sent the ACK
//   server 'connection'    accept() returned: the handshake was already over
//   client.write('hello')  one data segment (PSH, ACK), ACKed by the server
//   socket.end()           shutdown(SHUT_WR): a FIN
//   'end'                  the peer's FIN arrived (read() returned 0)
//   'close'                both directions closed (or the connection reset)
'use strict';
const net = require('net');

const [mode = 'both', portArg = '0'] = process.argv.slice(2);
const log = (side, what) => console.log(`[${side}] ${what}`);

function serve(port, ready) {
  const server = net.createServer((socket) => {
    log('server', `'connection' from ${socket.remotePort}`);
    // Echo every byte back; when the client ends its side, end ours.
    socket.on('data', (d) => {
      log('server', `'data' ${JSON.stringify(d.toString())}`);
      socket.write(d);
    });
    socket.on('end', () => {
      log('server', "'end' (the client's FIN)");
      socket.end();
    });
    socket.on('close', () => {
      log('server', "'close'");
      if (mode === 'both') server.close();
    });
  });
  server.listen(Number(port), '127.0.0.1', () => {
    log('server', `listening on ${server.address().port}`);
    ready(server.address().port);
  });
}

function connect(port) {
  const socket = net.connect(Number(port), '127.0.0.1', () => {
    log('client', "'connect'");
    socket.write('hello');
  });
  socket.on('data', (d) => {
    log('client', `'data' ${JSON.stringify(d.toString())}`);
    // The echo came back: close our sending side (a FIN).
    socket.end();
  });
  socket.on('end', () => log('client', "'end' (the server's FIN)"));
  socket.on('close', () => log('client', "'close'"));
}

if (mode === 'server') serve(portArg, () => {});
else if (mode === 'client') connect(portArg);
else serve(portArg, connect);
