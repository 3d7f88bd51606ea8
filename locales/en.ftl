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
comma = {", "}
semicolon = {"; "}

## A timeline's heading; $name is what the user typed.

source-simulation = simulation: { $name }
source-live = live lab: { $name }
source-capture = capture: { $name }
source-sniff = sniff: { $name }

## Names of layers and of Wireshark's analysis marks

layer-payload = payload
layer-osi-link = 2 data link
layer-osi-network = 3 network
layer-osi-transport = 4 transport
layer-osi-application = 5-7 session/presentation/application
layer-tcpip-link = link
layer-tcpip-network = internet
layer-tcpip-transport = transport
layer-tcpip-application = application
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
call-text-timed-out = { $call } = 0 (timed out)
calls-timed-out = { $call } returns 0 (timed out)
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
layers-call-transport-udp = L4 transport: the kernel's UDP acts on it
layers-call-transport = L4 transport: the kernel's TCP acts on it
layers-timer = L4 transport: a timer inside the kernel's TCP
layers-segment = L4 transport: TCP
layers-span = OSI L{ $osi }, TCP/IP { $tcpip }: { $name } (bytes { $start }-{ $end })

## Explanations of socket calls; $who is side-client or side-server

explain-listen = The { $who } makes a socket, bind()s it to its port and calls listen(). Nothing is sent: from now on the kernel answers SYNs to this port by itself. Linux keeps two queues for it: the SYN queue of handshakes in progress and the accept queue of finished connections (full only when it holds more than the backlog: listen(fd, 1) lets two wait).
explain-connect-fails = The { $who } calls connect(): the kernel picks an initial sequence number and sends a SYN. The answer is not a SYN/ACK, so connect() fails with { $errno }.
explain-connect-in-progress = The { $who } calls connect() on a non-blocking socket (Node.js makes every socket non-blocking): the kernel picks an initial sequence number, sends a SYN, and connect() returns at once with EINPROGRESS. Nothing has failed: the program learns the outcome later, when poll() or epoll says the socket is writable and getsockopt(SO_ERROR) gives 0 (Node then emits 'connect').
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
explain-sendto = The { $who } calls sendto() on its UDP socket, naming where the datagram goes: the kernel puts the { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} into one datagram and sends it at once. There was no connect(), no handshake, and there will be no ACK: sendto() returns as soon as the datagram has been handed to the network, whether or not anybody receives it.
explain-recvfrom = The { $who } calls recvfrom() on its UDP socket: it returns one whole datagram ({ $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}) and the address of whoever sent it, which is where an answer has to go. Nothing is acknowledged: the sender will never know it arrived unless the program answers.
explain-poll-ready = The { $who } calls poll() and waits for its non-blocking connect() to finish: poll() returns when the socket is writable, that is when the handshake is complete (getsockopt(SO_ERROR) then gives 0).
explain-poll-timeout = The { $who } calls poll() to wait for its non-blocking connect(), and poll() returns 0: the time ran out and the handshake is still not complete. connect() has not failed; the kernel keeps retransmitting the SYN until it is answered or the retries run out.
explain-close-udp = The { $who } closes its UDP socket. Nothing is sent: there is no connection to end, so there is no FIN, no ACK and no TIME_WAIT, and the port is free at once.

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
link-bsd-loopback = BSD loopback
link-raw-ip = raw IP
link-openbsd-loopback = OpenBSD loopback
link-linux-sll = Linux cooked (SLL)
link-raw-ipv4 = raw IPv4
link-raw-ipv6 = raw IPv6
link-linux-sll2 = Linux cooked v2 (SLL2)
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
kernel-note-half-open = Linux keeps the listener in LISTEN while a request socket (TCP_NEW_SYN_RECV) holds the half-open connection until the third ACK
kernel-note-unexplained = unexplained: the kernel's states differ from those inferred from the segments
kernel-note-time-wait-socket = at TIME_WAIT (after close(), at FIN_WAIT_2 already) Linux closes the full socket (→ CLOSED) and a small time-wait socket takes over; it has no state event, so its state is shown as inferred from the segments
kernel-socket-time-wait = time-wait socket
kernel-transition = { $side } ({ $socket }): { $from } → { $to } at { $t } s
kernel-heading = The kernel's own changes (tracepoints):

## The text ladder (--plain) and inspect --summary's table

plain-bytes = bytes
plain-timer-rto = RTO timer fires ({ $seconds } s)
timer-delayed-ack = delayed-ACK timer fires
timer-time-wait = TIME_WAIT timer fires ({ $seconds } s)
plain-stream = stream
plain-continued = {" "}(continued)
plain-time = time
plain-final-states = final states
plain-states-so-far = states so far
plain-lost = {" "}(lost)
plain-snap-cut = {" "}(cut by the snap length: { $captured } of { $orig } bytes captured)
plain-summary-stream = stream
plain-summary-client = client
plain-summary-server = server
plain-summary-packets = packets
plain-summary-bytes = bytes
plain-summary-start = start
plain-summary-duration = duration
plain-summary-handshake = handshake
plain-summary-close = close
plain-summary-rtt = rtt
plain-handshake-complete = complete
plain-handshake-partial = partial
plain-handshake-simultaneous = simultaneous
plain-handshake-none = none
plain-close-fin = fin
plain-close-rst = rst
plain-close-half-closed = half_closed
plain-close-open = open

## The slide deck (--format html): the page's own words

html-step = Step
html-of = of
html-before = before
html-after = after
html-kernel = kernel says
html-kernel-changes = The kernel's own changes (tracepoints)
html-states = States
html-calls = Socket calls
html-node = Node.js events
html-layers = Layers
html-none = —
html-lost = lost
html-stream = stream
html-new-connection = a new connection
html-prev = ◀ back
html-next = next ▶
html-empty = This timeline has no steps.
html-keys = → / PageDown / space: next · ← / PageUp: back · Home / End · v: show all rows · l: language · b: black screen · links: { $link }
html-all-rows = all rows shown (v)
# One of the kernel's own state changes; $socket is one of the three below
# or the kernel's own name for it.

## The terminal UI: the ladder, explain, layers and states panes

tui-analysis-retransmission = retransmission
tui-analysis-dup-ack = dup ACK
tui-analysis-out-of-order = out of order
tui-analysis-zero-window = zero window
tui-analysis-spurious-retransmission = spurious retransmission
tui-analysis-keep-alive = keep-alive
tui-analysis-keep-alive-ack = keep-alive ACK
tui-analysis-zero-window-probe = zero-window probe
tui-analysis-zero-window-probe-ack = zero-window probe ACK
tui-analysis-challenge-ack = challenge ACK
tui-ladder-lost = {" "}LOST
tui-ladder-stream = stream
tui-ladder-what-next = {" "}? what comes next ?{" "}
tui-ladder-no-steps-yet = No steps yet: press → (or n, space) to make the first one.
tui-ladder-no-steps = no steps to show
tui-explain-socket = socket:{" "}
tui-layers-no-segment = No segment in this step: nothing crosses the wire.
tui-layers-no-bytes = No frame bytes for this segment.
tui-states-unchanged = {" "}(unchanged)
tui-states-kernel = kernel
tui-states-no-socket = {"  "}kernel: no socket
tui-states-underlined = underlined
tui-states-table-connection = connection
tui-lanes-client = client { $n }
tui-lanes-client-short = c{ $n }
tui-lanes-server-short = S
tui-lanes-call-to = { $call } → { $client }
tui-states-edge-taken = : the edge just taken (RFC 9293 Fig. 5)
tui-ladder-tag = {" "}({ $name })
tui-ladder-call-bytes = { $call } { $n } bytes
tui-timer-rto = RTO timer fires ({ $seconds } s)
tui-ladder-gap = {" "}⋮ { $seconds } s later{" "}
tui-explain-segment = { $flags } from the { $who }{ $lost ->
    [yes] {", LOST"}
   *[no] {""}
} (frame { $frame })
tui-explain-call = socket call by the { $who }
tui-explain-datagram = UDP datagram from the { $who } (frame { $frame })
tui-explain-timer = timer of the { $who }
tui-explain-head = Step { $n } of { $total } · t = { $time } s
tui-pane-ladder = Ladder
tui-pane-states = States
tui-pane-layers = Layers
tui-pane-explain = Explain
tui-present-unchanged = : { $state } (unchanged)
tui-states-kernel-differs = {"  "}✗ kernel: { $state } (differs!)
tui-edge-inferred = {" "}(inferred)
tui-edge-passive-open = passive OPEN (listen())
tui-edge-active-open = active OPEN (connect())
tui-edge-ack-of-syn = ACK of SYN
tui-edge-fin-ack-of-fin = FIN + ACK of FIN
tui-edge-ack-of-fin = ACK of FIN
tui-edge-back-to-listen = back to LISTEN
tui-edge-delete-tcb = delete TCB
tui-edge-create-tcb = create TCB
tui-edge-timeout = Timeout = 2MSL
tui-edge-rcv = rcv{" "}
tui-edge-snd = snd{" "}
tui-edge-no-reply = / no reply
tui-layers-frame = Frame { $frame }: { $captured } bytes captured, { $wire } on the wire, link type { $link } ({ $link_name }){ $lost ->
    [yes] {", lost on the wire"}
   *[no] {""}
}
tui-layers-span = ▌{ $tag } { $name } · OSI { $osi } · TCP/IP { $tcpip } · bytes { $start }-{ $end } ({ $n } bytes)
tui-layers-snap-cut = (cut by the snap length: { $n } bytes not captured)

## The terminal UI: the connection list, status line, overlays and quiz

tui-list-handshake-complete = complete
tui-list-handshake-partial = partial
tui-list-handshake-simultaneous = simultaneous
tui-list-handshake-none = none
tui-list-close-half-closed = half-closed
tui-list-close-open = open
tui-list-connections = Connections
tui-list-indexing = Indexing the file: connections show here as they are found…
tui-list-waiting = No TCP connection yet: waiting for one to start…
tui-list-empty = No TCP connections in this capture.
tui-list-selected = {" "}Selected — Enter steps through it{" "}
tui-status-no-connections = no connections
tui-status-list-keys = ↑↓ choose  Enter open  l 中文  ? help  q quit
tui-status-list-keys-all = ↑↓ choose  Enter open  Esc all  l 中文  ? help  q quit
tui-status-paused-resumes = ‖ paused (space resumes)
tui-status-paused = ‖ paused
tui-status-esc-list = {"  "}Esc list
tui-status-step = step
tui-help-title = {" "}Keys (? or Esc to close){" "}
tui-menu-replayed = {" "}The scenario is played again from here with the change.
tui-menu-esc-back = {" "}Esc: back
tui-menu-what-if = {" "}What if?{" "}
tui-menu-picker-keys = {" "}↑ ↓ choose  Enter play  Esc back
tui-menu-scenarios = {" "}Scenarios{" "}
tui-menu-what-if-no-segment = what if: choose a segment's step first
tui-ui-script-done = {" "}The script has run to its end: ← and → step through it, q quits.
tui-ui-waiting = {" "}Waiting for the segments of the last call…
tui-live-lab-done = the lab has nothing more to do (q quits)
tui-live-other-connection = that call was made on another connection (Esc twice shows them all)
tui-live-sniff-only = sniffing only: the next step shows as soon as it is captured
tui-quiz-nothing-to-ask = There was nothing to ask about in this connection.
tui-quiz-all-right = Every answer right: you know how TCP opens and closes a connection.
tui-quiz-well-done = Well done. Step through the ones you missed with `{ $command }`.
tui-quiz-try-again = Step through the connection again (the ladder above shows all of it), then try again with r.
tui-quiz-end-keys = r: play again · q: quit
tui-quiz-answer-keys = a–d or 1–4 answers; ↑↓ and Enter too
tui-quiz-to-score = → / space / Enter: the final score
tui-quiz-to-next = → / space / Enter: next question
tui-quiz-status-asking = a–d answer  ↑↓ Enter  l 中文  ? help  q quit
tui-quiz-status-answered = → next  ↑↓ scroll  l 中文  ? help  q quit
tui-quiz-status-done = r again  l 中文  q quit
tui-quiz-name = quiz
tui-help-next-step = next step
tui-help-at-the-last = {"  "}(at the last step: the next socket call)
tui-help-previous-step = previous step
tui-help-first-last-step = first / last step
tui-help-show-hide-the = show / hide the steps still to come
tui-help-next-previous-pane = next / previous pane; scroll it
tui-help-go-to-a = go to a row, focus a pane / scroll it
tui-help-mouse = click / wheel
tui-help-autoplay-on-off = autoplay on / off, faster / slower
tui-help-while-autoplaying-pause = while autoplaying: pause / resume
tui-help-presenter-layout-large = presenter layout (large, for a projector)
tui-help-time-proportional-gaps = time-proportional gaps in the ladder
tui-help-what-if-lose = what if: lose, delay or double this segment
tui-help-choose-another-scenario = choose another scenario
tui-help-restart-from-the = restart from the first step
tui-help-raw-relative-sequence = raw / relative sequence numbers
tui-help-language-of-the = language of the explanations
tui-help-this-help-or = this help (? or Esc closes it)
tui-help-connection-list-choose = connection list: choose, open
tui-help-back-to-the = back to the connection list (in the list: quit)
tui-help-back-to-the-all = to the list; from the list, all connections
tui-help-quit = quit
tui-help-quit-always = quit, always
tui-help-legend = In the state diagram C marks the client, S the server.
tui-quiz-help-title = {" "}Quiz keys (any key closes){" "}
tui-quiz-help-answer = answer
tui-quiz-help-choose = choose an answer, give it
tui-quiz-help-next-keys = →  space  Enter
tui-quiz-help-next = next question
tui-quiz-help-scroll = after an answer: scroll the explanation
tui-quiz-help-language = language (English / 中文)
tui-quiz-help-again = start the quiz again
tui-quiz-help-help = this help (any key closes it)
tui-quiz-title-done = Quiz · final score { $score }
tui-quiz-title = Quiz · question { $n } of { $total } · score { $score }
tui-quiz-final = Final score: { $right } of { $asked } right ({ $pct } %).
tui-quiz-right = ✓ Right!
tui-quiz-wrong = ✗ Wrong: the answer is { $answer }
tui-quiz-step = Step { $n }: { $kind }
tui-quiz-the-end = the end
tui-quiz-status-question = question { $n }/{ $total }
tui-quiz-status-score = score { $right }/{ $asked }
tui-list-col-client = client
tui-list-col-protocol = proto
tui-list-col-server = server
tui-list-col-packets = packets
tui-list-col-bytes = bytes
tui-list-col-handshake = handshake
tui-list-col-close = close
tui-list-col-duration = duration
tui-list-col-flags-seen = flags seen
tui-list-seconds = { $s } s
tui-list-microseconds = { $us } µs
tui-list-detail-head = stream { $stream }: client { $client } → server { $server }
tui-list-frames = {" "}· { $n } frames
tui-list-detail-size = { $packets } packets, { $bytes } bytes · starts at { $start } · lasts { $duration }
tui-list-detail-ends = handshake { $handshake }{ $rtt } · close { $close } · flags seen: { $flags }
tui-list-detail-states = states at the end: { $client } { $client_state } · { $server } { $server_state }
tui-list-detail-udp-head = UDP stream { $stream }: { $client } ↔ { $server }
tui-list-detail-udp-size = { $packets } datagrams, { $bytes } bytes · starts at { $start } · lasts { $duration }
tui-list-detail-udp-none = no handshake, no close, no states: each datagram stands alone
tui-list-indexing-bar = {" "}indexing { $pct }% · { $frames } frames · { $conns } connections{" "}
tui-status-connection = connection { $n }/{ $total }
tui-status-pending = indexing… stream { $stream } opens when the index is done ({ $pct }%)  Esc cancels
tui-status-pending-short = stream { $stream } opens once indexed ({ $pct }%)
tui-status-opening = opening stream { $stream }…
tui-status-opening-udp = opening UDP stream { $stream }…
tui-status-frame = {" "}· frame { $frame }
tui-status-countdown = ▶ next in { $seconds } s (space pauses)
tui-status-autoplay = ▶ autoplay { $seconds }s
tui-status-seq-raw = seq raw
tui-status-seq-relative = seq relative
# $back is tui-status-esc-list where there is a list to go back to.
tui-status-keys = ←/→ step  Tab pane  ↑↓ scroll  a play  s seq  l 中文  ? help{ $back }  q quit
tui-status-keys-mid = ←/→ step  a play  s seq  l 中文  ? help{ $back }  q quit
tui-status-keys-short = ←/→ step  ? help{ $back }  q quit
tui-status-stream = {" "}│ stream { $stream }
tui-status-udp-stream = {" "}│ UDP stream { $stream }
tui-menu-what-if-head = What if this { $flags } segment…
tui-menu-not-a-segment = This step is not a segment: choose one first.
tui-menu-lost = were lost on the wire
tui-menu-late = arrived half a second late
tui-menu-twice = arrived twice
tui-menu-cannot-replay = cannot replay: { $error }
tui-ui-ladder-title-list = { $name } · stream { $stream } of { $total } (Esc: list)
tui-ui-ladder-title-udp = { $name } · UDP stream { $stream } of { $total } (Esc: list)
tui-ui-ladder-title-all = { $name } · all { $total } connections (Esc: list)
tui-ui-ladder-title = { $name } · stream { $stream }
tui-ui-hint-ahead = {" "}→ next step ({ $n } more already made), then the next socket call
tui-ui-hint-next = {" "}NEXT (→ / space): { $call }
tui-ui-too-small = Please enlarge the terminal: synack needs at least { $need_w }×{ $need_h }, this one is { $w }×{ $h }. (q quits)
tui-live-error = error: { $error }
tui-file-damaged = damaged file, read up to the damage: { $damage }
tui-file-cannot-index = cannot index the file: { $error }
tui-file-cannot-read = cannot read stream { $stream }: { $error }
tui-file-cannot-read-udp = cannot read UDP stream { $stream }: { $error }

## inspect --plain: the counts after the ladder

app-inspect-counts = { $frames } frames, { $segments } TCP segments, { $streams } connection(s)

## UDP datagrams (no connection, no states)

layers-datagram = L4 transport: UDP
explain-datagram-gone = The { $who } sends one UDP datagram of { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} to port { $port }, but no socket is bound to that port any more: the receiving kernel drops it and answers with an ICMP port unreachable, which the sender's unconnected socket never sees. sendto() succeeded, nothing acknowledges the datagram and nothing sends it again: it is simply gone, and only the program could notice, by waiting for an answer that never comes. (Node.js: no 'message'.)
explain-datagram = The { $who } sends one UDP datagram of { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
} to port { $port }. UDP has no connection and no states: no handshake comes before it, no ACK answers it, and nothing sends it again. If it is lost on the way it is simply gone, unless the program itself sends it again; it arrives whole or not at all, and datagrams may arrive out of order. (Node.js: the receiver's dgram socket emits 'message'.)
udp-datagram-label = UDP { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
udp-stream = UDP stream
udp-no-state = no state
udp-no-states = UDP has no connection states
tui-udp-no-states = UDP has no connection states: no handshake, no ACK, no FIN, no TIME_WAIT. A datagram is sent, and either arrives whole or is gone.

## The scenario library (synack scenarios, the menu, the deck's titles)
scenario-handshake-summary = listen, connect, accept, "hello" each way, the client closes, then the server
scenario-server-closes-first-summary = the server closes first, so the server ends in TIME_WAIT
scenario-three-way-close-summary = the server's FIN rides on the delayed ACK of the client's FIN: FIN, FIN/ACK, ACK (the usual close)
scenario-simultaneous-open-summary = both ends call connect() at once: SYN, SYN, SYN/ACK, SYN/ACK
scenario-simultaneous-close-summary = both ends call close() at once: both pass through CLOSING to TIME_WAIT
scenario-half-close-summary = the client calls shutdown(SHUT_WR); the server keeps sending, then closes
scenario-refused-summary = SYN to a port with no listener: RST/ACK, connect() fails with ECONNREFUSED
scenario-abort-summary = SO_LINGER 0 then close(): RST instead of FIN, no TIME_WAIT
scenario-close-with-unread-data-summary = the server close()s with unread data in its receive buffer: RST, not FIN
scenario-syn-lost-summary = the first SYN is lost; connect()'s retransmission timer resends it after 1 s
scenario-syn-ack-lost-summary = the SYN/ACK is lost; the client's SYN is resent and the server repeats its SYN/ACK
scenario-fin-lost-summary = the client's FIN is lost; the retransmission timer resends it after 1 s
scenario-time-wait-summary = Linux holds TIME_WAIT a fixed 60 s (its 2*MSL); then the client connects again from the same port
scenario-reorder-summary = two writes; the wire delays the first, so the second arrives first and waits

## The live lab's scripts (synack live --list, the title, close() hints)
script-default-summary = handshake, hello each way, the client closes first (four-way close)
script-refused-summary = connect() to a port where nothing listens: the kernel answers RST, ECONNREFUSED
script-half-close-summary = the client shutdown(SHUT_WR)s, the server keeps writing, then closes
script-abort-summary = the client sets SO_LINGER 0 and closes: RST instead of FIN, no TIME_WAIT
script-unread-close-summary = the server closes with the client's data still unread: RST, not FIN
script-server-closes-first-summary = the server closes first, so the server ends in TIME_WAIT
script-time-wait-reuse-summary = the server closes first and sits in TIME_WAIT; the client connects again from the same port at once, and Linux accepts the new SYN
script-http-summary = an HTTP/1.1 GET and its 200 OK with `Connection: close`: the server closes first, so the server waits in TIME_WAIT
script-http-first-close = with `Connection: close` the server ends the connection once its response is written, so the server, not the client, waits in TIME_WAIT
script-http-list-note = with --keep-alive: two GETs on one connection; the client closes first and waits in TIME_WAIT
script-websocket-summary = a WebSocket upgrade (Sec-WebSocket-Accept computed and checked), a masked text frame from the client, an unmasked one from the server, close frames (1000), then the server closes first and waits in TIME_WAIT
script-websocket-first-close = after the close frames the server closes the TCP connection first, as RFC 6455 §7.1.1 asks, so the server, not the client, waits in TIME_WAIT
script-http-keep-alive-summary = two HTTP/1.1 GETs on one kept-alive connection, then the client closes first, so the client waits in TIME_WAIT
script-http-keep-alive-first-close = HTTP/1.1 keeps the connection open after each response; the client, done with it, closes first, so the client waits in TIME_WAIT
lab-title = { $summary } (client { $client }, server { $server }, real sockets, sniffed on { $iface })

## A capture file read whole: its title
capture-title = { $frames } frames, { $segments } TCP segments, { $streams } connection(s)

## sniff: what the kernel did on its own ($side is side-client or
## side-server), and the status line
kernel-event-retransmit = the { $side }'s kernel retransmitted this segment
kernel-event-retransmit-syn-ack = the kernel retransmitted this SYN/ACK
kernel-event-send-reset = the { $side }'s kernel sent this RST
kernel-event-receive-reset = the { $side }'s kernel accepted this RST and reset its socket
sniff-status-port = port { $port }
sniff-status = capturing { $what } on { $iface }: { $frames } frames, { $segments } TCP segments, { $conns } connection(s)
sniff-status-steps-let-go = ; keeping the latest { $kept } steps ({ $gone } older let go)
sniff-status-summaries-let-go = ; { $gone } old connections off the list
sniff-status-dropped = ; { $dropped } frames dropped by the kernel (not read in time)

## live and trace --plain: the kernel's states beside the inferred ones
live-kernel-states-traced = kernel states (from the kernel's tracepoints, each change given to the step that caused it):
live-kernel-states-proc = kernel states (read from /proc/net/tcp after each call's segments):
live-kernel-agrees = agrees
live-kernel-differs-known = differs, see below
live-kernel-differs = DIFFERS
live-kernel = kernel
live-socket-listener = listener
live-socket-connection = connection
live-socket-time-wait = time_wait
live-settings-heading = this machine's settings (read from /proc/sys/net/ipv4):
live-plain-states = client { $client } / server { $server }

## trace: each segment's cause, and the --plain tables
trace-cause-step = , step { $step }
trace-cause-call = caused by the { $side }'s { $call }() on fd { $fd } (pid { $pid }{ $step })
trace-cause-kernel = sent by the kernel on its own: no call of the program caused it
trace-cause-aside = {" ("}{ $cause })
trace-calls-heading = the command's socket calls (from the syscalls:sys_enter_*/sys_exit_* tracepoints):
trace-steps-heading = who sent each segment, and the kernel's states after each step (from its tracepoints):

## trace: the title, the kernel's own acts, the status line
trace-title = `{ $command }`: its own socket calls, its segments on lo, the kernel's states
trace-event-retransmit = the { $side }'s kernel retransmitted a segment
trace-event-retransmit-syn-ack = the kernel retransmitted the SYN/ACK
trace-event-send-reset = the { $side }'s kernel sent an RST
trace-event-receive-reset = the { $side }'s kernel accepted an RST and reset its socket
trace-status-running = running
trace-status-exited = exited with { $code }
trace-status = trace `{ $command }` ({ $state }): { $calls } socket calls, { $frames } frames{ $log }

## The live lab: why the kernel differs, a failed WebSocket check
lab-note-half-open = Linux leaves the listener in LISTEN; the half-open connection is held by a request socket (TCP_NEW_SYN_RECV, shown in /proc/net/tcp but without a state-change event), and the connection's own socket is created, in SYN_RECEIVED and at once ESTABLISHED, when the third segment (ACK) arrives
lab-note-syn-dropped = the accept queue was full, so the server's kernel dropped this SYN without making a request socket: the listener stays LISTEN and nothing of this connection exists on the server yet. The segments alone cannot tell a dropped SYN from one whose SYN/ACK was lost, so synack's inference moves the server to SYN_RECEIVED at the first SYN
lab-note-unexplained = unexplained: the kernel changed state at a different point than the segments suggest
lab-note-bad-accept = the client's read() of the 101 failed its check: { $why }

## The live lab: the next-call hint's frame and the status line
lab-next-call = next call ({ $n } of { $total }): { $hint }
lab-status = live lab `{ $script }`: client { $client }, server { $server }, { $frames } frames captured on { $iface }
lab-status-mismatches = { $n } difference(s) between kernel and inferred states
lab-time-left = {" ("}{ $left } s left)
capture-title-udp = , { $datagrams } UDP datagram(s) in { $conversations } conversation(s)


## The live lab's hint for the next call (source/lab/mod.rs hint_for)
lab-hint-1 = server: socket(), bind(), listen(): no segment; the socket waits in LISTEN
lab-hint-2 = client: connect() again from the same port while the server's old connection is in TIME_WAIT: SYN →; Linux accepts it because its sequence number and timestamp are above the old connection's (RFC 9293 §3.6.1, RFC 6191): ← SYN/ACK, ACK →
lab-hint-3 = client: connect(): SYN →, ← SYN/ACK (sent by the server's kernel, no accept() needed), ACK →; connect() returns when the SYN/ACK arrives
lab-hint-4 = client: connect() to port { $port } where nothing listens: SYN →, ← RST; connect() fails with ECONNREFUSED
lab-hint-5 = server: accept(): no segment; the kernel finished the handshake already, accept() only takes the connection from the accept queue
lab-hint-6 = { $who }: write() of { $n } bytes, { $what }: data →, ← ACK from { $peer }'s kernel
lab-hint-7 = { $who }: write() of { $n } bytes: data →, ← ACK from { $peer }'s kernel
lab-hint-8 = { $who }: read(): returns 0 (EOF): { $peer }'s FIN arrived and every byte before it has been read; no segment
lab-hint-9 = { $who }: read(): returns the { $n } bytes waiting, { $what }; { $peer }'s FIN is there too, so the next read() returns 0; no segment
lab-hint-10 = { $who }: read(): returns the { $n } bytes waiting, { $what }; no segment
lab-hint-11 = { $who }: read(): returns the bytes already received; no segment
lab-hint-12 = { $who }: read(): the data first, then 0 (EOF) as { $peer }'s FIN arrived; no segment
lab-hint-13 = { $who }: read() on a reset connection: fails; no segment
lab-hint-14 = { $who }: read(): returns the bytes already received; no segment
lab-hint-15 = { $who }: shutdown(SHUT_WR): FIN →, ← ACK; { $who_ref } can still read
lab-hint-16 = { $who }: setsockopt(SO_LINGER, {"{"}on, 0{"}"}): no segment; the next close() will send RST
lab-hint-17 = { $who }: close(): no segment, the connection is gone
lab-hint-18 = { $who }: close() with SO_LINGER 0: RST →, no FIN, no TIME_WAIT
lab-hint-19 = { $who }: close() with { $unread } bytes unread: RST →, not FIN
lab-hint-20 = { $who }: close(): FIN →, ← ACK; { $who_ref } goes LAST_ACK then CLOSED
lab-hint-21 = { $who }: close(): the FIN went with shutdown(); no new segment
lab-hint-22 = { $who }: close() first: FIN →, ← ACK; { $why }; { $peer }'s read() will return 0
lab-hint-23 = { $who }: close(): FIN →, ← ACK; { $peer }'s read() will return 0 and { $who_ref } will wait in TIME_WAIT

## One stream of an indexed capture, read back by its offsets (the TUI on large files)
capture-stream-title = stream { $stream }: { $client } -> { $server }, { $packets } packets
capture-stream-title-bare = stream { $stream }
capture-udp-stream-title = UDP stream { $stream }: { $packets } datagrams

## The lab's udp, chat and backlog scripts

script-udp-summary = two UDP sockets: a datagram each way (no handshake, no states, no ACKs, no FIN), then one sent after the server closed its socket: it is simply gone
script-chat-summary = a chat server and three clients: each line one client writes goes to the two others; then the clients leave one by one (each waits in TIME_WAIT)
script-backlog-summary = listen(fd, 1) and four non-blocking clients before any accept(): two connections fill the accept queue, the other SYNs are dropped and retransmitted, then accept() drains the queue
script-chat-first-close = a chat client ends its own session, so each client that leaves first waits in TIME_WAIT, not the server
lab-client-n = client { $n }
lab-queues = listener: { $accept } in the accept queue (full above the backlog: at most { $most } wait), { $syn } in the SYN queue; ListenOverflows (every listener of this network namespace) since the lab began: { $overflows }
lab-hint-listen-backlog = server: listen(fd, { $backlog }): no segment; the accept queue may hold { $most } finished connections (Linux calls it full only when it holds more than the backlog)
lab-hint-connect-room = { $who }: connect() on a non-blocking socket returns EINPROGRESS at once: SYN →, ← SYN/ACK, ACK →; the accept queue holds { $queued } of { $most }, so the kernel answers and queues the connection
lab-hint-connect-full = { $who }: connect() on a non-blocking socket returns EINPROGRESS at once: SYN →, but the accept queue is full ({ $queued } of { $most } waiting for accept()): the server's kernel drops the SYN without a word, and the client's kernel will send it again (1 s later, then again)
lab-hint-poll = { $who }: poll() for up to { $ms } ms until connect() finishes (its connection is { $state }); the accept queue holds { $queued } of { $most }: each SYN retransmitted while it is full is dropped again, one that comes when there is room is answered
lab-hint-accept-queue = server: accept(): no segment; takes { $queued ->
    [one] the one connection
   *[other] the oldest of the { $queued } connections
} off the accept queue, which makes room for one more handshake
lab-hint-sendto = { $who }: sendto(): { $what }, { $n } bytes in one datagram to { $peer }: no connect() before it, no ACK after it
lab-hint-sendto-gone = { $who }: sendto() of { $n } bytes again, but the server has closed its socket and nothing is bound to port { $port }: sendto() still succeeds, the datagram goes out and is simply gone: no ACK, no retransmission, and no error for an unconnected socket
lab-hint-recvfrom = { $who }: recvfrom(): takes { $what } whole, with the sender's address; no segment, nothing acknowledged
lab-hint-close-udp = { $who }: close(): no segment; a UDP socket has no connection to end, so no FIN and no TIME_WAIT
lab-words-line-write = the line "{ $line }" and its newline (TCP carries bytes, not messages: the server finds the end of a line by the newline)
lab-words-line-read = the line "{ $line }" from { $from }
lab-words-relay-write = "{ $line }": the line read from { $from }, with its name in front; the server writes it to every client but the one it came from
lab-words-relay-read = the line the server relayed, with the sender's name in front
lab-words-datagram = "{ $text }"
lab-status-queues = accept queue { $accept }/{ $most }, SYN queue { $syn }
lab-server-of = server (client { $n }'s connection)
lab-hint-accept-n = server: accept(): no segment; the kernel finished the handshake already: accept() returns a new socket for the oldest connection in the accept queue, client { $n }'s, while the listening socket stays as it is for the next one
lab-hint-connect-n = { $who }: connect() from its own port: SYN →, ← SYN/ACK (sent by the server's kernel), ACK →; the server tells this connection from the others by its four-tuple
lab-ref-client = the client
lab-ref-server = the server
