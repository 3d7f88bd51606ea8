// An HTTP/1.1 server and a client, in one process, on 127.0.0.1.
//
//   node examples/node/http.js               # one GET; the server closes
//   node examples/node/http.js --keep-alive  # two GETs on one connection
//
// Without --keep-alive the server answers with `Connection: close` and
// closes first, so the *server* waits in TIME_WAIT. With --keep-alive the
// client sends two requests on the same connection and closes it itself,
// so the *client* waits in TIME_WAIT. Watch it with:
//   sudo $(command -v synack) trace -- node examples/node/http.js
'use strict';
const http = require('http');

const keepAlive = process.argv.includes('--keep-alive');
const log = (side, what) => console.log(`[${side}] ${what}`);

const server = http.createServer((req, res) => {
  log('server', `request ${req.method} ${req.url}`);
  const body = `hello from ${req.url}\n`;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // Node sends `Connection: close` and ends the socket after the response
  // when asked to; otherwise the connection stays open for the next request.
  if (!keepAlive) res.setHeader('Connection', 'close');
  res.end(body);
});
server.on('connection', (s) => {
  log('server', "'connection'");
  s.on('close', () => log('server', "socket 'close'"));
});

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  log('server', `listening on ${port}`);
  // One agent with one socket: both requests must share the connection.
  const agent = new http.Agent({ keepAlive, maxSockets: 1 });
  const paths = keepAlive ? ['/one', '/two'] : ['/'];
  for (const path of paths) {
    await new Promise((done) => {
      http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        log('client', `response ${res.statusCode} ${res.statusMessage}`);
        res.setEncoding('utf8');
        res.on('data', (d) => log('client', `body ${JSON.stringify(d)}`));
        res.on('end', done);
      });
    });
  }
  // The client closes its idle keep-alive connection (its FIN goes first).
  agent.destroy();
  server.close(() => log('server', 'closed'));
});
