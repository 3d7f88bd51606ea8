"""A tiny TCP echo: a server and a client in one program, on 127.0.0.1.

Run it under synack to see its own socket calls on the ladder:

    sudo synack trace -- python3 examples/python/echo.py

The server listens on a port the kernel picks, a child process connects,
sends a line, half-closes (shutdown SHUT_WR: a FIN while it can still
read), reads the echo until the server's FIN, and closes.
"""

import os
import socket

# socket(), bind(), listen(): no segment yet, the socket waits in LISTEN.
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]

if os.fork() == 0:
    # The client, in a child process (synack follows every fork).
    client = socket.create_connection(("127.0.0.1", port))  # connect(): SYN
    client.sendall(b"hello\n")                               # write(): data
    client.shutdown(socket.SHUT_WR)                          # shutdown(): FIN
    reply = b""
    while chunk := client.recv(100):                         # read() until 0 (EOF)
        reply += chunk
    client.close()                                           # close(): no segment now
    print("client got", reply.decode().strip())
    os._exit(0)

conn, _ = server.accept()          # accept(): the handshake is already done
data = b""
while chunk := conn.recv(100):     # read() until the client's FIN
    data += chunk
conn.sendall(data)                 # write(): the echo
conn.close()                       # close(): the server's FIN
server.close()
os.wait()
