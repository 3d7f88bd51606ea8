### synack's explanations, socket-call notes, header fields and quiz, in
### English. Every message here has a twin in zh.ftl (tests/catalogue.rs
### checks it). The code picks the message id and its arguments; the words
### are here. Protocol names, flags, states and socket calls are written as
### the RFCs and POSIX spell them, in both languages.
###
### Fluent trims spaces at both ends of a message: where one matters it is
### written as a string literal ({" "}). A message is one line, since
### Fluent keeps the line breaks of a multi-line message; only a select
### expression (a plural: "1 byte", "2 bytes") spans lines.

## The two ends of a connection

side-client = client
side-server = server

## Joining texts: English puts a space between sentences, and a comma
## and space between list items.

sentence-separator = {" "}
list-separator = {", "}
colon = {": "}

## A timeline's heading; $name is what the user typed.

source-simulation = simulation: { $name }
source-live = live lab: { $name }
source-capture = capture: { $name }
source-sniff = sniff: { $name }

## Names of layers and of Wireshark's analysis marks

layer-payload = payload
analysis-retransmission = retransmission
analysis-dup-ack = dup_ack
analysis-out-of-order = out_of_order
analysis-zero-window = zero_window
analysis-spurious-retransmission = spurious_retransmission
analysis-keep-alive = keep_alive
analysis-keep-alive-ack = keep_alive_ack
analysis-zero-window-probe = zero_window_probe
analysis-zero-window-probe-ack = zero_window_probe_ack
analysis-challenge-ack = challenge_ack

## A short name for a segment: its flags, and its payload

segment-no-flags = no flags
segment-with-payload = { $name } + { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}

## What the socket API sees on each side ($call is e.g. "read()")

calls-returns = { $call } returns { $n }
calls-wrote = { $call } of { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
calls-eof = { $call } returns 0 (EOF)
calls-fails = { $call } fails: { $errno }
calls-aborts = { $call } (aborts with RST)
calls-blocks = { $call } (blocks)
calls-connect-returns = connect() returns 0
calls-accept-queued = queued: accept() can return
calls-connect-refused = connect() fails: ECONNREFUSED
calls-eof-ahead = read() will return 0 (EOF)
calls-readable = read() can return { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
calls-rst-close-wait = write() fails: EPIPE; read() returns 0
calls-rst-established = read() returns what arrived before, then fails: ECONNRESET

## The layers a step involves

layers-call-app = L7 application: your program calls the socket API
layers-call-transport = L4 transport: the kernel's TCP acts on it
layers-timer = L4 transport: a timer inside the kernel's TCP
layers-segment = L4 transport: TCP
layers-span = OSI L{ $osi }, TCP/IP { $tcpip }: { $name } (bytes { $start }-{ $end })

## Explanations of socket calls; $who is side-client or side-server

explain-listen = The { $who } makes a socket, bind()s it to its port and calls listen(). Nothing is sent: from now on the kernel answers SYNs to this port by itself. Linux keeps two queues for it: the SYN queue of handshakes in progress and the accept queue of finished connections (at most the backlog).
explain-connect-fails = The { $who } calls connect(): the kernel picks an initial sequence number and sends a SYN. The answer is not a SYN/ACK, so connect() fails with { $errno }.
explain-connect = The { $who } calls connect(): the kernel picks an initial sequence number and sends a SYN. connect() blocks until the SYN/ACK arrives.
explain-accept = accept() takes the finished connection off the accept queue. The kernel completed the handshake before this call; accept() sends nothing.
explain-write = write() copies { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} into the { $who }'s send buffer; the kernel sends them in a segment and keeps a copy until they are acknowledged.
explain-read = read() returns the { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} waiting in the { $who }'s receive buffer. They were acknowledged by the kernel when they arrived, not now.
explain-read-eof-both = read() returns 0: end of file. The peer sent FIN, and the { $who } has already sent its own: both directions are finished.
explain-read-eof = read() returns 0: end of file. The peer sent FIN, so no more data will come. The { $who } can still send until it closes too.
explain-read-fails = read() fails with { $errno }: the connection was reset by an RST from the peer.
explain-read-eproto = read() fails with EPROTO: the bytes arrived and TCP is fine, but they break the application protocol (here the WebSocket handshake: the Sec-WebSocket-Accept value is not base64(SHA-1(key + GUID))). The program gives up on the connection, as RFC 6455 §4.1 tells a client to.
explain-shutdown = shutdown(SHUT_WR): the { $who } will send no more data, so its kernel sends FIN; the socket stays open for reading (a half-close). In Node.js this is socket.end(); a Node peer keeps sending after 'end' only if it was made with allowHalfOpen: true: by default Node ends its own side as soon as 'end' comes.
explain-close-unread = close() with { $n } unread { $n ->
    [one] byte
   *[other] bytes
} in the receive buffer: the kernel discards them and resets the connection with RST instead of FIN (RFC 2525 §2.17), so the peer learns that data was lost. No TIME_WAIT.
explain-close-linger = close() with SO_LINGER set to 0 aborts: the kernel sends RST instead of FIN and forgets the connection at once. No TIME_WAIT. (Node.js: socket.resetAndDestroy().)
explain-close-active = close() before any FIN has arrived from the peer (an active close): the { $who }'s kernel sends FIN, and this side will end in TIME_WAIT.
explain-close-passive = close() after the peer's FIN (the passive close): the { $who }'s kernel sends its own FIN and waits for the last ACK.
explain-close-gone = close() releases the { $who }'s descriptor. The connection is already gone (refused or reset), so nothing is sent: no FIN, no TIME_WAIT.
explain-close-after-shutdown = close() releases the { $who }'s descriptor. shutdown() already sent its FIN, so nothing new is sent.
explain-close = The { $who } calls close().
explain-linger-zero = setsockopt(SO_LINGER, {"{"}on, 0{"}"}): a later close() on the { $who } will abort the connection with RST instead of closing it with FIN.
explain-call = The { $who } calls { $call }.

## Explanations of timers ($seconds is already rounded)

explain-timer-syn = No SYN/ACK reached the { $who } within { $seconds } s, so its kernel sends the SYN again. Linux 6.5 and later waits 1 s between the first net.ipv4.tcp_syn_linear_timeouts retries (4 by default) and only then doubles the wait; net.ipv4.tcp_syn_retries limits the number of retries.
explain-timer-rto = No ACK reached the { $who } within its retransmission timeout ({ $seconds } s). Its kernel sends the oldest unacknowledged segment again and doubles the timeout (RFC 6298).
explain-timer-delayed-ack = The { $who }'s delayed-ACK timer ran out with nothing to send, so it sends a bare ACK.
explain-timer-time-wait = { $seconds } s have passed: the { $who } leaves TIME_WAIT and forgets the connection. Linux waits a fixed 60 s (TCP_TIMEWAIT_LEN), its stand-in for the RFC's 2*MSL. The same four-tuple could be used before this: Linux accepts a new SYN whose sequence number (or timestamp) is above the old connection's, and with net.ipv4.tcp_tw_reuse a client's connect() may take it over.

## Explanations of segments; $from sent it, $to receives it, $name is
## the segment's short name

explain-lost = This { $name } is lost on the wire: the { $to } never sees it. The { $from }'s retransmission timer is running.
explain-syn-ack-retransmission = Its SYN repeats the sequence number of the SYN this side sent before, now with an ACK, which is why it counts as a retransmission.
explain-spurious-retransmission = A spurious retransmission: every byte of it was acknowledged already.
explain-retransmission = A retransmission: the same sequence numbers sent again.
explain-rst-refused = Nothing listens on port { $port }: the { $from }'s kernel answers the SYN with RST. connect() fails with ECONNREFUSED.
explain-rst-time-wait = RST to a connection in TIME_WAIT: the { $to } ends TIME_WAIT at once. This is TIME-WAIT assassination (RFC 1337); Linux allows it while net.ipv4.tcp_rfc1337 is 0, the default. No program notices: no descriptor belongs to a TIME_WAIT connection, so nobody's read() fails.
explain-rst-close-wait = RST: the { $from } aborts the connection, and the { $to } drops it at once. The { $to } had already received a FIN, so Linux does not report ECONNRESET: read() keeps returning 0 and the next write() fails with EPIPE (raising SIGPIPE, unless the program ignores it).
explain-rst-both-fins = RST: the { $from } aborts the connection, and the { $to } drops it at once. Both FINs were sent already, so no call of the { $to } reports it: read() already returns 0 and its own sending is over.
explain-rst-handshake = RST: the { $from } aborts the handshake. The { $to } drops the unfinished connection; accept() never returns it.
explain-rst-fin-wait = RST: the { $from } aborts the connection. The { $to } drops it at once (no TIME_WAIT). If the { $to } only used shutdown(SHUT_WR), its read() returns the data that arrived before the RST, then fails with ECONNRESET; after close() no program notices.
explain-rst-abort = RST: the { $from } aborts the connection. The { $to } drops it at once (no FIN exchange, no TIME_WAIT). Data that arrived before the RST can still be read; after that, read() fails with ECONNRESET.
explain-rst-unknown = RST: the { $from } aborts the connection. If the { $to } has this connection, it drops it at once (no FIN exchange, no TIME_WAIT).
explain-rst-not-trusted = RST from the { $from }, but not at the sequence number the { $to } expects: the { $to } does not trust it and keeps the connection (RFC 5961). Inside its window it answers with a challenge ACK; outside, it drops it silently.
explain-rst-ignored = RST from the { $from }; the { $to } ignores it or has no connection.
explain-rst-payload = It carries { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} of payload: diagnostic text for people reading captures; the application never sees it.
explain-syn-open = The { $from } opens: SYN with initial sequence number { $isn } (relative 0) and its options. A SYN takes one sequence number. The { $to }'s kernel answers by itself; no accept() is needed for that. On Linux the listening socket stays in LISTEN: a small request socket in the SYN queue holds this SYN_RECEIVED half (with SYN cookies, not even that).
explain-syn-simultaneous = Simultaneous open: the { $to } sent its own SYN and now receives the { $from }'s. It moves to SYN_RECEIVED and answers with SYN/ACK.
explain-syn-again = The { $to } has answered this SYN before, so its SYN/ACK must have been lost: it sends the SYN/ACK again.
explain-syn-closed = SYN to port { $port }, where nothing listens.
explain-syn = A SYN from the { $from }.
explain-syn-ack = The { $from }'s kernel acknowledges the SYN (ack = ISN+1) and sends its own SYN with ISN { $isn }. The { $to } is ESTABLISHED and connect() returns.
explain-syn-ack-simultaneous = Simultaneous open: this SYN/ACK acknowledges the { $to }'s SYN, so the { $to } is ESTABLISHED.
explain-syn-ack-other = SYN/ACK from the { $from }.
explain-fin = FIN: the { $from } has no more to send. A FIN takes one sequence number.
explain-fin-close-wait = The { $to } ACKs it and enters CLOSE_WAIT; its read() returns 0 once earlier data is read. It may still send.
explain-fin-closing = Simultaneous close: the { $to } sent its own FIN and has not had it acknowledged, so it moves to CLOSING.
explain-fin-three-way = It also acknowledges the { $to }'s FIN, so the { $to } skips FIN_WAIT_2 and goes straight to TIME_WAIT (a three-way close). Linux delays the ACK of a FIN (about 40 ms), so when the { $from } closes at once its FIN carries that ACK: in real captures this three-segment close is the common one.
explain-fin-time-wait = The { $to } already had its FIN acknowledged; now it ACKs this one and waits in TIME_WAIT (2*MSL in the RFC; a fixed 60 s on Linux) in case that last ACK is lost. Only if the { $to } used shutdown() and still holds the socket does a read() now return 0; after close() there is nothing left to read.
explain-data = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} of data from the { $from }, sequence numbers { $first } to { $last } (relative); the next byte will be { $next }.
explain-psh = PSH: Linux sets it on the last segment of a write(); the receiver makes in-order bytes readable whether PSH is set or not.
explain-ack-handshake = The third segment of the handshake: it acknowledges the { $to }'s SYN. The { $to } is ESTABLISHED and the connection waits in the accept queue. Why a third segment: each side must see its own ISN acknowledged, and the { $from } must be able to refuse (with RST) a SYN/ACK that answers an old duplicate SYN, so that a stale SYN cannot open a connection (RFC 9293 §3.5).
explain-ack-fin-wait-2 = The { $from } acknowledges the FIN. The { $to } waits in FIN_WAIT_2 for the { $from }'s FIN.
explain-ack-closing = This acknowledges the { $to }'s FIN: CLOSING becomes TIME_WAIT.
explain-ack-last = The last ACK: the { $to }'s connection is closed and forgotten. The { $from } stays in TIME_WAIT.
explain-ack = The { $from } acknowledges everything before relative sequence number { $ack }: byte { $ack } is the next it expects.
explain-other-flags = A segment from the { $from } with flags { $flags }.
explain-syn-ack-not-captured = The { $to }'s SYN/ACK is not in this capture, but this ACK shows it reached the { $from }: the { $from } is ESTABLISHED (inferred from one side).
explain-one-direction = Nothing the { $to } sent is in this capture (only one direction was captured), but the { $from } acknowledges what it sent: the { $to } is inferred to be synchronized (inferred from one side).
explain-gap = The { $to } has not received the bytes before it yet (lost, delayed, or not captured): it keeps this segment aside, and read() returns nothing until the gap is filled. Its ACK still names the first missing byte.
explain-gap-filled = It fills the gap, so the bytes held behind it become readable too: read() can now return { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}.
explain-challenge-ack = A challenge ACK (RFC 5961): the RST or SYN before it was not where this side expected it, so it changes nothing; this ACK names the sequence number it does expect, and a real peer that did abort answers with an exact RST.
explain-keep-alive = A keep-alive: one byte before what the receiver expects, sent only to draw an ACK and learn that the peer is still there.
explain-keep-alive-ack = The ACK that answers a keep-alive: the peer is still there.
explain-zero-window-probe = A zero-window probe: one byte sent into a closed window to learn when it opens again. It does not move the expected sequence number on.
explain-zero-window-probe-ack = The answer to a zero-window probe: the window is still closed.
explain-fast-open = Data on a SYN: TCP Fast Open (RFC 7413) sends { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} with the SYN. A server that accepts the client's cookie hands them to the application before the handshake completes and acknowledges them in its SYN/ACK; otherwise the SYN/ACK acknowledges only the SYN and the client sends the data again.
explain-urg = URG: the urgent pointer marks where urgent data ends in this segment (RFC 9293 §3.8.5). Stacks deliver only the last urgent byte out of band (recv() with MSG_OOB); the rest arrives in the normal byte stream. Few applications use it (telnet's interrupt is one).
explain-dup-ack = A duplicate ACK: the same acknowledgment again, a sign of a gap.
explain-out-of-order = Out of order: it arrives after a segment that was sent later.
explain-zero-window = Zero window: the receiver's buffer is full; the sender must wait.

## This machine's TCP settings ($setting is "net.ipv4.NAME = VALUE")

kernel-syn-retries = { $setting }: an unanswered SYN is sent again { $times } s after the first, and connect() fails with ETIMEDOUT after { $give_up } s.
kernel-rfc1337-off = net.ipv4.tcp_rfc1337 = 0: an RST that reaches a TIME_WAIT connection ends TIME_WAIT at once (TIME-WAIT assassination, RFC 1337).
kernel-rfc1337-on = net.ipv4.tcp_rfc1337 = { $v }: an RST that reaches a TIME_WAIT connection is ignored (RFC 1337's fix).
kernel-tw-reuse-off = net.ipv4.tcp_tw_reuse = { $v }: connect() never takes over a four-tuple still in TIME_WAIT.
kernel-tw-reuse-on = net.ipv4.tcp_tw_reuse = { $v }: connect() may take over a four-tuple in TIME_WAIT once its last timestamp is over a second old.
kernel-tw-reuse-loopback = net.ipv4.tcp_tw_reuse = { $v }: on loopback, connect() may take over a four-tuple in TIME_WAIT once its last timestamp is over a second old.
kernel-syncookies-off = net.ipv4.tcp_syncookies = 0: when the SYN queue is full, new SYNs are dropped.
kernel-syncookies-on = net.ipv4.tcp_syncookies = { $v }: when the SYN queue overflows, the kernel answers with a SYN cookie instead of keeping a request socket.

## Header fields of a frame's layers

fields-undecodable = (could not decode: { $error })
fields-macs = dst MAC { $dst }   src MAC { $src }
fields-address-family = address family { $family } ({ $name })
fields-other = other
fields-sll = packet type { $pkt }{ $outgoing ->
    [yes] {" "}(outgoing)
   *[no] {""}
}   ARPHRD { $arphrd }   protocol 0x{ $proto } ({ $name })
fields-sll2 = protocol 0x{ $proto } ({ $name })   interface index { $ifindex }
fields-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
fields-ipv4 = TTL { $ttl }   total length { $total }   header { $header ->
    [one] { $header } byte
   *[other] { $header } bytes
}   id 0x{ $id }{ $flags }
fields-ip-protocol = protocol { $proto }{ $tcp }   checksum 0x{ $checksum }
fields-ipv6 = hop limit { $hops }   payload length { $len }   next header { $next }   flow label 0x{ $flow }
fields-not-ip = (not IP)
fields-ports = port { $src } → { $dst }
fields-seq-ack = seq { $seq } (relative { $seq_rel })   ack { $ack }{ $ack_rel }
fields-ack-rel = {" "}(relative { $ack_rel })
fields-ack-unused = {" "}(not used: no ACK flag)
fields-flags = flags 0x{ $hex } { $tcpdump } = { $wireshark }
fields-window = window { $win }{ $scaled }   header { $header ->
    [one] { $header } byte
   *[other] { $header } bytes
}   checksum 0x{ $checksum }   urgent { $urgent }
fields-window-scaled = {" "}(× { $factor } = { $bytes ->
    [one] { $bytes } byte
   *[other] { $bytes } bytes
})
fields-options = options: { $options }
fields-payload = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}: "{ $preview }"

## The quiz

quiz-which-call = Which socket call does the { $who } make next?
quiz-which-state = The { $from } sends { $flags } { $name }. Which state is the { $to } in once it has taken it in?
quiz-which-ack = The { $from } sends { $flags } with seq={ $seq } (relative). What is its acknowledgment number (relative)?
quiz-which-flags = Which flags does the { $from }'s next segment carry?
quiz-lost = {"  "}(lost)
quiz-timer-fires = timer fires
quiz-score = score: { $right }/{ $asked }
quiz-title = synack quiz - { $source } ({ $count ->
    [one] { $count } question
   *[other] { $count } questions
})
quiz-question = Q{ $number }. { $prompt }
quiz-answer-with = answer with a letter from a to { $last }
quiz-right = right!
quiz-wrong = no: the answer is { $letter }) { $choice }
quiz-final-score = final score: { $right }/{ $asked }

## The kernel's own state changes (tracepoints), in the TUI's explain pane
kernel-socket-listener = listening socket
kernel-socket-connection = connection socket
kernel-note-unseen = no state change of this socket has come from the kernel since synack started: it was made before, so its state is not known (shown as null)
kernel-socket-time-wait = time-wait socket
kernel-transition = { $side } ({ $socket }): { $from } → { $to } at { $t } s
kernel-heading = The kernel's own changes (tracepoints):
