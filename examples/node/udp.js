// A `dgram` pair on 127.0.0.1: one datagram each way.
//
// UDP has no connection: no handshake, no states, no acknowledgements, no
// FIN. `send()` puts one datagram on the wire and returns; if it is lost it
// is simply gone (nothing resends it). Compare with echo.js's ladder:
//   sudo $(command -v synack) trace -- node examples/node/udp.js
'use strict';
const dgram = require('dgram');

const log = (side, what) => console.log(`[${side}] ${what}`);
const server = dgram.createSocket('udp4');
const client = dgram.createSocket('udp4');

server.on('message', (msg, from) => {
  log('server', `'message' ${JSON.stringify(msg.toString())} from ${from.port}`);
  server.send('pong', from.port, from.address, () => server.close());
});
client.on('message', (msg) => {
  log('client', `'message' ${JSON.stringify(msg.toString())}`);
  client.close();
});
server.on('close', () => log('server', "'close' (no segment: there is no connection to end)"));
client.on('close', () => log('client', "'close'"));

server.bind(0, '127.0.0.1', () => {
  const port = server.address().port;
  log('server', `bound to ${port}`);
  client.send('ping', port, '127.0.0.1', () => log('client', 'sent "ping"'));
});
