### synack 的讲解、套接字调用说明、首部字段和测验，简体中文。
### 每条消息在 en.ftl 里都有对应的一条（tests/catalogue.rs 会检查）。
### 协议名、标志位、状态名和套接字调用保持 RFC 与 POSIX 的拼写。
### 中文句子之间不加空格；Fluent 会去掉消息两端的空格，
### 需要保留的空格写成字符串字面量（{" "}）。

## 连接的两端

side-client = 客户端
side-server = 服务端

## 拼接：中文句子之间没有空格，列表用顿号

sentence-separator = {""}
list-separator = 、
colon = ：
comma = ，
semicolon = ；

## 时间线的标题；$name 是用户输入的名字

source-simulation = 模拟：{ $name }
source-live = 实验：{ $name }
source-capture = 抓包文件：{ $name }
source-sniff = 监听网卡：{ $name }

## 层的名字和 Wireshark 分析标记的名字

layer-payload = 载荷
layer-osi-link = 2 数据链路层
layer-osi-network = 3 网络层
layer-osi-transport = 4 传输层
layer-osi-application = 5-7 会话层/表示层/应用层
layer-tcpip-link = 链路层
layer-tcpip-network = 网际层
layer-tcpip-transport = 传输层
layer-tcpip-application = 应用层
analysis-retransmission = 重传
analysis-dup-ack = 重复确认
analysis-out-of-order = 乱序
analysis-zero-window = 零窗口
analysis-spurious-retransmission = 虚假重传
analysis-keep-alive = 保活
analysis-keep-alive-ack = 保活确认
analysis-zero-window-probe = 零窗口探测
analysis-zero-window-probe-ack = 零窗口探测确认
analysis-challenge-ack = 挑战确认

## 报文段的简称：标志位和载荷

segment-no-flags = 无标志位
segment-with-payload = { $name } + { $n } 字节

## 两端的套接字调用看到什么（$call 形如 "read()"）

calls-returns = { $call } 返回 { $n }
calls-wrote = { $call } 写入 { $n } 字节
calls-eof = { $call } 返回 0（EOF）
call-text-timed-out = { $call } = 0（超时）
calls-timed-out = { $call } 返回 0（超时）
calls-fails = { $call } 失败：{ $errno }
calls-aborts = { $call }（以 RST 中止）
calls-blocks = { $call }（阻塞）
calls-connect-returns = connect() 返回 0
calls-accept-queued = 已进入队列：accept() 可以返回
calls-connect-refused = connect() 失败：ECONNREFUSED
calls-eof-ahead = read() 将返回 0（EOF）
calls-readable = read() 可读到 { $n } 字节
calls-rst-close-wait = write() 失败：EPIPE；read() 返回 0
calls-rst-established = read() 先读完之前到达的数据，然后失败：ECONNRESET

## 这一步涉及的层

layers-call-app = L7 应用层：程序调用套接字 API
layers-call-transport-udp = L4 传输层：内核中的 UDP 执行它
layers-call-transport = L4 传输层：内核中的 TCP 执行它
layers-timer = L4 传输层：内核 TCP 的定时器
layers-segment = L4 传输层：TCP
layers-span = OSI L{ $osi }，TCP/IP { $tcpip }：{ $name }（字节 { $start }-{ $end }）

## 套接字调用的讲解；$who 是 side-client 或 side-server

explain-listen = { $who }创建套接字，用 bind() 绑定端口，再调用 listen()。这一步不发送任何报文：从此内核会自己应答发往该端口的 SYN。Linux 为它维护两个队列：存放握手进行中连接的半连接队列（SYN 队列），和存放已完成连接的全连接队列（accept 队列；只有其中的连接数超过 backlog 时才算满：listen(fd, 1) 允许两个连接等待）。
explain-connect-in-progress = { $who }在非阻塞套接字上调用 connect()（Node.js 的套接字都是非阻塞的）：内核选定初始序列号并发送 SYN，connect() 立即返回 EINPROGRESS。这并不是失败：程序稍后才知道结果——poll() 或 epoll 报告套接字可写，getsockopt(SO_ERROR) 返回 0（此时 Node 发出 'connect'）。
explain-connect-fails = { $who }调用 connect()：内核选定初始序列号并发送 SYN。收到的回应不是 SYN/ACK，所以 connect() 失败，错误为 { $errno }。
explain-connect = { $who }调用 connect()：内核选定初始序列号并发送 SYN。connect() 会阻塞，直到收到 SYN/ACK。
explain-accept = accept() 从全连接队列（accept 队列）中取出已完成握手的连接。握手在这次调用之前就由内核完成了；accept() 不发送任何报文。
explain-write = write() 把 { $n } 字节复制到{ $who }的发送缓冲区；内核把它们放进报文段发出，并保留副本直到对方确认。
explain-read = read() 返回{ $who }接收缓冲区中等待的 { $n } 字节。确认（ACK）在数据到达时就由内核发出了，而不是现在。
explain-read-eof-both = read() 返回 0：文件结束（EOF）。对端发送了 FIN，{ $who }也早已发出自己的 FIN：两个方向都结束了。
explain-read-eof = read() 返回 0：文件结束（EOF）。对端发送了 FIN，不会再有数据到来。{ $who }在自己关闭之前仍可以发送数据。
explain-read-fails = read() 失败，错误为 { $errno }：连接已被对端的 RST 重置。
explain-read-eproto = read() 以 EPROTO 失败：字节已经到达，TCP 也没有问题，但内容违反了应用层协议（这里是 WebSocket 握手：Sec-WebSocket-Accept 的值不等于 base64(SHA-1(密钥 + GUID))）。程序按 RFC 6455 §4.1 对客户端的要求放弃这个连接。
explain-shutdown = shutdown(SHUT_WR)：{ $who }不再发送数据，于是内核发送 FIN；套接字仍可读取（半关闭）。Node.js 中对应 socket.end()；对端只有在创建时设了 allowHalfOpen: true 才会保持半关闭，默认情况下 Node.js 收到 'end' 后会自己结束它那一端。
explain-close-unread = 接收缓冲区里还有 { $n } 字节未读就调用了 close()：内核丢弃这些数据，用 RST 而不是 FIN 重置连接（RFC 2525 §2.17），让对端知道数据丢失了。不会进入 TIME_WAIT。
explain-close-linger = SO_LINGER 设为 0 后调用 close() 会中止连接：内核发送 RST 而不是 FIN，并立即丢弃该连接。不会进入 TIME_WAIT。（Node.js 中对应 socket.resetAndDestroy()。）
explain-close-active = 在收到对端 FIN 之前调用 close()（主动关闭）：{ $who }的内核发送 FIN，这一端最终会进入 TIME_WAIT。
explain-close-passive = 收到对端 FIN 之后调用 close()（被动关闭）：{ $who }的内核发送自己的 FIN，并等待最后一个 ACK。
explain-close-gone = close() 释放{ $who }的文件描述符。连接已经不存在（被拒绝或被重置），所以不发送任何报文：没有 FIN，也没有 TIME_WAIT。
explain-close-after-shutdown = close() 释放{ $who }的文件描述符。shutdown() 早已发出 FIN，所以不再发送新的报文。
explain-close = { $who }调用 close()。
explain-linger-zero = setsockopt(SO_LINGER, {"{"}on, 0{"}"})：之后{ $who }调用 close() 时会用 RST 中止连接，而不是用 FIN 正常关闭。
explain-call = { $who }调用 { $call }。
explain-sendto = { $who }在 UDP 套接字上调用 sendto()，并在调用里写明数据报发往哪里：内核把 { $n } 字节装进一个数据报，立即发出。之前没有 connect()，没有握手，之后也不会有 ACK：数据报一交给网络，sendto() 就返回，不管有没有谁收到它。
explain-recvfrom = { $who }在 UDP 套接字上调用 recvfrom()：它返回一个完整的数据报（{ $n } 字节）以及发送方的地址——回复就要发往这个地址。没有任何确认：除非程序作答，发送方永远不知道它到了。
explain-poll-ready = { $who }调用 poll()，等待非阻塞的 connect() 完成：套接字变为可写时 poll() 返回，这时握手已经完成（随后 getsockopt(SO_ERROR) 返回 0）。
explain-poll-timeout = { $who }调用 poll() 等待非阻塞的 connect()，poll() 返回 0：时间到了，握手仍未完成。connect() 并没有失败；内核会继续重传 SYN，直到得到应答或重试次数用完。
explain-close-udp = { $who }关闭它的 UDP 套接字。这一步不发送任何报文：没有连接需要结束，所以没有 FIN、没有 ACK，也没有 TIME_WAIT，端口立即可以再用。

## 定时器的讲解（$seconds 已取整）

explain-timer-syn = { $who }在 { $seconds } 秒内没有收到 SYN/ACK，于是内核重发 SYN。Linux 6.5 及以后的内核，前 net.ipv4.tcp_syn_linear_timeouts 次（默认 4 次）重传每次间隔 1 秒，之后才把等待时间加倍；重传次数上限由 net.ipv4.tcp_syn_retries 决定。
explain-timer-rto = { $who }在重传超时（{ $seconds } 秒）内没有收到 ACK。内核重发最早一个未被确认的报文段，并把超时时间加倍（RFC 6298）。
explain-timer-delayed-ack = { $who }的延迟确认定时器到期，又没有数据可以捎带，于是单独发送一个 ACK。
explain-timer-time-wait = { $seconds } 秒已过：{ $who }离开 TIME_WAIT，彻底释放该连接。Linux 固定等待 60 秒（TCP_TIMEWAIT_LEN），用来代替 RFC 的 2*MSL。其实在此之前同一个四元组也能再用：新 SYN 的序列号（或时间戳）比旧连接的大时，Linux 会接受它；开启 net.ipv4.tcp_tw_reuse 后，客户端的 connect() 也可以直接复用。

## 报文段的讲解；$from 发出，$to 接收，$name 是报文段的简称

explain-lost = 这个 { $name } 在传输中丢失了：{ $to }根本收不到。{ $from }的重传定时器正在计时。
explain-syn-ack-retransmission = 它的 SYN 重复了这一端之前发出的 SYN 的序列号，只是多了 ACK，所以被算作重传。
explain-spurious-retransmission = 虚假重传：它的每个字节都已经被确认过了。
explain-retransmission = 这是一次重传：同样的序列号再次发送。
explain-rst-refused = 端口 { $port } 上没有程序在监听：{ $from }的内核用 RST 回应 SYN。connect() 失败，错误为 ECONNREFUSED。
explain-rst-time-wait = 发往 TIME_WAIT 连接的 RST：{ $to }立即结束 TIME_WAIT。这就是 TIME_WAIT 暗杀（RFC 1337）；net.ipv4.tcp_rfc1337 为 0（默认值）时 Linux 允许这样做。没有程序会察觉：TIME_WAIT 连接不属于任何文件描述符，谁的 read() 都不会失败。
explain-rst-close-wait = RST：{ $from }中止了连接，{ $to }立即丢弃该连接。{ $to }之前已经收到 FIN，所以 Linux 不报告 ECONNRESET：read() 仍返回 0，下一次 write() 失败，错误为 EPIPE（若程序没有忽略 SIGPIPE，还会收到 SIGPIPE 信号）。
explain-rst-both-fins = RST：{ $from }中止了连接，{ $to }立即丢弃该连接。双方的 FIN 都已发出，所以{ $to }的任何调用都不会报告它：read() 早已返回 0，发送也早已结束。
explain-rst-handshake = RST：{ $from }中止了握手。{ $to }丢弃这个未完成的连接；accept() 永远不会返回它。
explain-rst-fin-wait = RST：{ $from }中止了连接。{ $to }立即丢弃该连接（不进入 TIME_WAIT）。如果{ $to }只调用了 shutdown(SHUT_WR)，它的 read() 先读出 RST 之前到达的数据，然后失败，错误为 ECONNRESET；如果已经调用了 close()，没有程序会察觉。
explain-rst-abort = RST：{ $from }中止了连接。{ $to }立即丢弃该连接（没有 FIN 交换，也没有 TIME_WAIT）。RST 之前到达的数据仍然可以读出；读完之后，read() 失败，错误为 ECONNRESET。
explain-rst-unknown = RST：{ $from }中止了连接。如果{ $to }有这个连接，会立即丢弃它（没有 FIN 交换，也没有 TIME_WAIT）。
explain-rst-not-trusted = 来自{ $from }的 RST，但序列号不是{ $to }期待的那个：{ $to }不信任它，连接保持不变（RFC 5961）。落在窗口内时，它回一个挑战 ACK；落在窗口外时，直接丢弃。
explain-rst-ignored = 来自{ $from }的 RST；{ $to }忽略它，或者本来就没有这个连接。
explain-rst-payload = 它带有 { $n } 字节载荷：供分析抓包的人阅读的诊断文字，应用程序看不到。
explain-syn-open = { $from }发起连接：SYN 携带初始序列号 { $isn }（相对值 0）和 TCP 选项。SYN 占用一个序列号。{ $to }的内核会自己应答，不需要 accept()。在 Linux 上监听套接字仍处于 LISTEN：由半连接队列中的一个请求套接字记录这个 SYN_RECEIVED 状态（启用 SYN cookies 时连它都没有）。
explain-syn-simultaneous = 同时打开：{ $to }已经发出了自己的 SYN，现在又收到{ $from }的 SYN。它进入 SYN_RECEIVED，并回复 SYN/ACK。
explain-syn-again = { $to }之前已经应答过这个 SYN，说明它的 SYN/ACK 丢了：于是再发一次 SYN/ACK。
explain-syn-closed = 发往端口 { $port } 的 SYN，但那里没有程序在监听。
explain-syn = 来自{ $from }的 SYN。
explain-syn-ack = { $from }的内核确认对方的 SYN（ack = ISN+1），同时发送自己的 SYN，初始序列号为 { $isn }。{ $to }进入 ESTABLISHED，connect() 返回。
explain-syn-ack-simultaneous = 同时打开：这个 SYN/ACK 确认了{ $to }的 SYN，于是{ $to }进入 ESTABLISHED。
explain-syn-ack-other = 来自{ $from }的 SYN/ACK。
explain-fin = FIN：{ $from }没有更多数据要发送了。FIN 占用一个序列号。
explain-fin-close-wait = { $to }确认它并进入 CLOSE_WAIT；读完之前的数据后，read() 会返回 0。它仍然可以发送数据。
explain-fin-closing = 同时关闭：{ $to }也发出了 FIN 但还没有被确认，所以进入 CLOSING。
explain-fin-three-way = 它同时确认了{ $to }的 FIN，所以{ $to }跳过 FIN_WAIT_2，直接进入 TIME_WAIT（三次挥手）。Linux 对 FIN 的确认会延迟约 40 毫秒，{ $from }若随即关闭，这个 ACK 就捎带在它的 FIN 上（捎带确认）：实际抓包中最常见的正是这种三个报文段的关闭。
explain-fin-time-wait = { $to }的 FIN 早已被确认；现在它确认这个 FIN，并在 TIME_WAIT 中等待（RFC 中为 2*MSL，Linux 固定为 60 秒），以防最后这个 ACK 丢失。只有当{ $to }用的是 shutdown() 且仍持有套接字时，read() 才会返回 0；调用 close() 之后已经没有可读的东西了。
explain-data = 来自{ $from }的 { $n } 字节数据，序列号 { $first } 到 { $last }（相对值），下一个字节的序列号是 { $next }。
explain-psh = PSH：Linux 在一次 write() 的最后一个报文段上设置它；不论是否设置 PSH，接收方都会让按序到达的字节可读。
explain-ack-handshake = 握手的第三个报文段：它确认了{ $to }的 SYN。{ $to }进入 ESTABLISHED，连接在全连接队列（accept 队列）中等待被取走。为什么需要第三个报文段：双方都要看到自己的初始序列号被确认；而且{ $from }要能用 RST 拒绝回应旧的重复 SYN 的 SYN/ACK，免得过期的 SYN 建立起连接（RFC 9293 §3.5）。
explain-ack-fin-wait-2 = { $from }确认了 FIN。{ $to }在 FIN_WAIT_2 中等待{ $from }的 FIN。
explain-ack-closing = 它确认了{ $to }的 FIN：CLOSING 变为 TIME_WAIT。
explain-ack-last = 最后一个 ACK：{ $to }的连接关闭并被释放。{ $from }仍停留在 TIME_WAIT。
explain-ack = { $from }确认了相对序列号 { $ack } 之前的全部数据：它期待的下一个字节是 { $ack }。
explain-other-flags = 来自{ $from }的报文段，标志位为 { $flags }。
explain-syn-ack-not-captured = 这份抓包里没有{ $to }的 SYN/ACK，但这个 ACK 表明它已经到达{ $from }：{ $from }处于 ESTABLISHED（仅凭一侧推断）。
explain-one-direction = 这份抓包里没有{ $to }发出的任何报文段（只抓到了一个方向），但{ $from }确认了它发出的内容：由此推断{ $to }已经同步（仅凭一侧推断）。
explain-gap = { $to }还没有收到它前面的字节（丢失、延迟或没有被抓到）：它先把这个报文段放在一边，在缺口补上之前 read() 读不到数据。它的 ACK 仍然指向第一个缺失的字节。
explain-gap-filled = 它补上了缺口，排在后面等待的字节也随之可读：read() 现在可读到 { $n } 字节。
explain-challenge-ack = 挑战 ACK（RFC 5961）：之前那个 RST 或 SYN 不在这一端期待的位置，所以什么也没有改变；这个 ACK 写明它真正期待的序列号，真的中止了连接的对端会据此回一个序列号正确的 RST。
explain-keep-alive = 保活探测：序列号比接收方期待的少一，只为换回一个 ACK，确认对端还在。
explain-keep-alive-ack = 对保活探测的应答 ACK：对端还在。
explain-zero-window-probe = 零窗口探测：向已经关闭的窗口发送一个字节，探询窗口何时重新打开。它不推进期待的序列号。
explain-zero-window-probe-ack = 对零窗口探测的应答：窗口仍然关闭。
explain-fast-open = SYN 上带了数据：TCP 快速打开（RFC 7413）随 SYN 发送 { $n } 字节。服务端如果接受客户端的 Cookie，会在握手完成之前就把数据交给应用，并在 SYN/ACK 中确认它们；否则 SYN/ACK 只确认 SYN，客户端稍后重发这些数据。
explain-urg = URG：紧急指针标出本报文段中紧急数据结束的位置（RFC 9293 §3.8.5）。协议栈只把最后一个紧急字节作为带外数据交付（用 recv() 加 MSG_OOB 读取），其余的仍在普通字节流中到达。很少有应用使用它（telnet 的中断是一个例子）。
explain-dup-ack = 重复确认：再次发送相同的确认号，说明中间有数据缺失。
explain-out-of-order = 乱序：它比后发出的报文段到得更晚。
explain-zero-window = 零窗口：接收方缓冲区已满，发送方必须等待。

## 本机的 TCP 设置（$setting 形如 "net.ipv4.NAME = VALUE"）

kernel-syn-retries = { $setting }：没有应答的 SYN 会在第一次发送后 { $times } 秒重发，{ $give_up } 秒后 connect() 失败，错误为 ETIMEDOUT。
kernel-rfc1337-off = net.ipv4.tcp_rfc1337 = 0：到达 TIME_WAIT 连接的 RST 会立即结束 TIME_WAIT（TIME_WAIT 暗杀，RFC 1337）。
kernel-rfc1337-on = net.ipv4.tcp_rfc1337 = { $v }：到达 TIME_WAIT 连接的 RST 会被忽略（RFC 1337 的修正）。
kernel-tw-reuse-off = net.ipv4.tcp_tw_reuse = { $v }：connect() 不会复用仍处于 TIME_WAIT 的四元组。
kernel-tw-reuse-on = net.ipv4.tcp_tw_reuse = { $v }：只要最后一个时间戳已过去 1 秒以上，connect() 就可以复用处于 TIME_WAIT 的四元组。
kernel-tw-reuse-loopback = net.ipv4.tcp_tw_reuse = { $v }：在回环接口上，只要最后一个时间戳已过去 1 秒以上，connect() 就可以复用处于 TIME_WAIT 的四元组。
kernel-syncookies-off = net.ipv4.tcp_syncookies = 0：半连接队列满时，新的 SYN 会被丢弃。
kernel-syncookies-on = net.ipv4.tcp_syncookies = { $v }：半连接队列溢出时，内核用 SYN cookie 应答，不再保存请求套接字。

## 帧各层的首部字段

fields-undecodable = （无法解码：{ $error }）
fields-macs = 目的 MAC { $dst }   源 MAC { $src }
fields-address-family = 地址族 { $family } ({ $name })
fields-other = 其他
link-bsd-loopback = BSD 环回
link-raw-ip = 原始 IP
link-openbsd-loopback = OpenBSD 环回
link-linux-sll = Linux 伪链路头（SLL）
link-raw-ipv4 = 原始 IPv4
link-raw-ipv6 = 原始 IPv6
link-linux-sll2 = Linux 伪链路头第 2 版（SLL2）
fields-sll = 包类型 { $pkt }{ $outgoing ->
    [yes] （发出）
   *[no] {""}
}   ARPHRD { $arphrd }   协议 0x{ $proto } ({ $name })
fields-sll2 = 协议 0x{ $proto } ({ $name })   接口索引 { $ifindex }
fields-bytes = { $n } 字节
fields-ipv4 = TTL { $ttl }   总长度 { $total }   首部 { $header } 字节   标识 0x{ $id }{ $flags }
fields-ip-protocol = 协议 { $proto }{ $tcp }   校验和 0x{ $checksum }
fields-ipv6 = 跳数限制 { $hops }   载荷长度 { $len }   下一首部 { $next }   流标签 0x{ $flow }
fields-not-ip = （不是 IP）
fields-ports = 端口 { $src } → { $dst }
fields-seq-ack = seq { $seq } (相对值 { $seq_rel })   ack { $ack }{ $ack_rel }
fields-ack-rel = {" "}(相对值 { $ack_rel })
fields-ack-unused = （未使用：没有 ACK 标志）
fields-flags = 标志位 0x{ $hex } { $tcpdump } = { $wireshark }
fields-window = 窗口 { $win }{ $scaled }   首部 { $header } 字节   校验和 0x{ $checksum }   紧急指针 { $urgent }
fields-window-scaled = {" "}(× { $factor } = { $bytes } 字节)
fields-options = 选项：{ $options }
fields-payload = { $n } 字节："{ $preview }"

## 测验

quiz-which-call = { $who }接下来调用哪个套接字函数？
quiz-which-state = { $from }发送 { $flags } { $name }。{ $to }收到后处于什么状态？
quiz-which-ack = { $from }发送 { $flags }，seq={ $seq }（相对值）。它的确认号（相对值）是多少？
quiz-which-flags = { $from }发出的下一个报文段带有哪些标志位？
quiz-lost = （丢失）
quiz-timer-fires = 定时器到期
quiz-score = 得分：{ $right }/{ $asked }
quiz-title = synack 测验 - { $source }（共 { $count } 题）
quiz-question = 第 { $number } 题：{ $prompt }
quiz-answer-with = 请输入 a 到 { $last } 之间的字母
quiz-right = 答对了！
quiz-wrong = 答错了：正确答案是 { $letter }) { $choice }
quiz-final-score = 最终得分：{ $right }/{ $asked }

## The kernel's own state changes (tracepoints), in the TUI's explain pane
kernel-socket-listener = 监听套接字
kernel-socket-connection = 连接套接字
kernel-note-unseen = 自 synack 启动以来内核没有报告这个套接字的状态变化：它创建得更早，所以状态未知（显示为空）
kernel-note-half-open = Linux 的监听套接字保持 LISTEN，半连接由请求套接字（TCP_NEW_SYN_RECV）保存，直到第三次握手的 ACK
kernel-note-unexplained = 未解释：内核的状态与从报文段推断的不同
kernel-note-time-wait-socket = 进入 TIME_WAIT（close() 之后则在 FIN_WAIT_2）时，Linux 关闭完整的套接字（→ CLOSED），由一个小 time-wait 套接字接管；它的状态没有事件，这里显示的是从报文段推断的状态
kernel-socket-time-wait = TIME_WAIT 套接字
kernel-transition = { $side }（{ $socket }）：{ $from } → { $to }，时间 { $t } 秒
kernel-heading = 内核自身的状态变化（跟踪点）：

## 文本梯形图（--plain）和 inspect --summary 的表格

plain-bytes = 字节
plain-timer-rto = RTO 定时器到期（{ $seconds } 秒）
timer-delayed-ack = 延迟 ACK 定时器到期
timer-time-wait = TIME_WAIT 定时器到期（{ $seconds } 秒）
plain-stream = 连接
plain-continued = （续）
plain-time = 时间
plain-final-states = 最终状态
plain-states-so-far = 目前状态
plain-lost = （丢失）
plain-snap-cut = （被抓包长度截断：只抓到 { $captured } 字节，共 { $orig } 字节）
plain-summary-stream = 流
plain-summary-client = 客户端
plain-summary-server = 服务端
plain-summary-packets = 分组
plain-summary-bytes = 字节
plain-summary-start = 开始
plain-summary-duration = 时长
plain-summary-handshake = 握手
plain-summary-close = 关闭
plain-summary-rtt = RTT
plain-handshake-complete = 完整
plain-handshake-partial = 不完整
plain-handshake-simultaneous = 同时打开
plain-handshake-none = 无
plain-close-fin = FIN
plain-close-rst = RST
plain-close-half-closed = 半关闭
plain-close-open = 未关闭

## 幻灯片（--format html）页面本身的文字

html-step = 第
html-of = 步，共
html-before = 之前
html-after = 之后
html-kernel = 内核报告
html-kernel-changes = 内核自身的状态变化（跟踪点）
html-states = 状态
html-calls = 套接字调用
html-node = Node.js 事件
html-layers = 分层
html-none = —
html-lost = 丢失
html-stream = 连接
html-new-connection = 新的连接
html-prev = ◀ 上一步
html-next = 下一步 ▶
html-empty = 这条时间线没有步骤。
html-keys = → / PageDown / 空格：下一步 · ← / PageUp：上一步 · Home / End · v：显示全部 · l：切换语言 · b：黑屏 · 链接：{ $link }
html-all-rows = 已显示全部（v）
# 内核自己的一次状态变化；$socket 是下面三者之一，或内核自己的名字。

## 终端界面：时序图、讲解、分层和状态窗格

tui-analysis-retransmission = 重传
tui-analysis-dup-ack = 重复 ACK
tui-analysis-out-of-order = 乱序
tui-analysis-zero-window = 零窗口
tui-analysis-spurious-retransmission = 虚假重传
tui-analysis-keep-alive = 保活
tui-analysis-keep-alive-ack = 保活 ACK
tui-analysis-zero-window-probe = 零窗口探测
tui-analysis-zero-window-probe-ack = 零窗口探测 ACK
tui-analysis-challenge-ack = 挑战 ACK
tui-ladder-lost = {" "}丢失
tui-ladder-stream = 流
tui-ladder-what-next = {" "}？接下来是什么？{" "}
tui-ladder-no-steps-yet = 还没有步骤：按 →（或 n、空格）执行第一步。
tui-ladder-no-steps = 没有可显示的步骤
tui-explain-socket = 套接字：
tui-layers-no-segment = 这一步没有报文段：线路上什么也没有传送。
tui-layers-no-bytes = 这个报文段没有帧的字节。
tui-states-unchanged = （未变）
tui-states-kernel = 内核
tui-states-no-socket = {"  "}内核：没有套接字
tui-states-underlined = 下划线
tui-states-table-connection = 连接
tui-lanes-client = 客户端 { $n }
tui-lanes-client-short = 客{ $n }
tui-lanes-server-short = 服
tui-lanes-call-to = { $call } → { $client }
tui-states-edge-taken = ：刚走过的边（RFC 9293 图 5）
tui-ladder-tag = （{ $name }）
tui-ladder-call-bytes = { $call } { $n } 字节
tui-timer-rto = RTO 重传定时器到期（{ $seconds } 秒）
tui-ladder-gap = {" "}⋮ { $seconds } 秒后{" "}
tui-explain-segment = { $who }发出的 { $flags }{ $lost ->
    [yes] ，丢失
   *[no] {""}
}（第 { $frame } 帧）
tui-explain-call = { $who }的套接字调用
tui-explain-datagram = { $who }发出的 UDP 数据报（第 { $frame } 帧）
tui-explain-timer = { $who }的定时器
tui-explain-head = 第 { $n }/{ $total } 步 · t = { $time } 秒
tui-pane-ladder = 时序图
tui-pane-states = 状态
tui-pane-layers = 分层
tui-pane-explain = 讲解
tui-present-unchanged = ：{ $state }（未变）
tui-states-kernel-differs = {"  "}✗ 内核：{ $state }（不一致！）
tui-edge-inferred = （推断）
tui-edge-passive-open = 被动 OPEN（listen()）
tui-edge-active-open = 主动 OPEN（connect()）
tui-edge-ack-of-syn = 对 SYN 的 ACK
tui-edge-fin-ack-of-fin = FIN 及对 FIN 的 ACK
tui-edge-ack-of-fin = 对 FIN 的 ACK
tui-edge-back-to-listen = 回到 LISTEN
tui-edge-delete-tcb = 删除 TCB
tui-edge-create-tcb = 创建 TCB
tui-edge-timeout = 超时 2MSL
tui-edge-rcv = 收到{" "}
tui-edge-snd = 发送{" "}
tui-edge-no-reply = / 不回复
tui-layers-frame = 第 { $frame } 帧：捕获 { $captured } 字节，线路上 { $wire } 字节，链路类型 { $link }（{ $link_name }）{ $lost ->
    [yes] ，在线路上丢失
   *[no] {""}
}
tui-layers-span = ▌{ $tag } { $name } · OSI { $osi } · TCP/IP { $tcpip } · 字节 { $start }-{ $end }（{ $n } 字节）
tui-layers-snap-cut = （被快照长度截断：{ $n } 字节未捕获）

## 终端界面：连接列表、状态栏、浮层和测验

tui-list-handshake-complete = 完整
tui-list-handshake-partial = 不完整
tui-list-handshake-simultaneous = 同时打开
tui-list-handshake-none = 无
tui-list-close-half-closed = 半关闭
tui-list-close-open = 未关闭
tui-list-connections = 连接
tui-list-indexing = 正在为文件建立索引：找到的连接会显示在这里…
tui-list-waiting = 还没有 TCP 连接：正在等待连接建立…
tui-list-empty = 这个捕获文件中没有 TCP 连接。
tui-list-selected = {" "}选中的连接 — Enter 逐步查看{" "}
tui-status-no-connections = 没有连接
tui-status-list-keys = ↑↓ 选择  Enter 打开  l English  ? 帮助  q 退出
tui-status-list-keys-all = ↑↓ 选择  Enter 打开  Esc 全部  l English  ? 帮助  q 退出
tui-status-paused-resumes = ‖ 已暂停（空格继续）
tui-status-paused = ‖ 已暂停
tui-status-esc-list = {"  "}Esc 列表
tui-status-step = 步骤
tui-help-title = {" "}按键（? 或 Esc 关闭）{" "}
tui-menu-replayed = {" "}场景会带着这个改变从这里重新运行。
tui-menu-esc-back = {" "}Esc：返回
tui-menu-what-if = {" "}假如？{" "}
tui-menu-picker-keys = {" "}↑ ↓ 选择  Enter 播放  Esc 返回
tui-menu-scenarios = {" "}场景{" "}
tui-menu-what-if-no-segment = 假如：请先选中一个报文段的步骤
tui-ui-script-done = {" "}脚本已运行完毕：用 ← 和 → 逐步查看，q 退出。
tui-ui-waiting = {" "}正在等待上一个调用的报文段…
tui-live-lab-done = 实验已没有更多步骤（q 退出）
tui-live-other-connection = 这次调用属于另一个连接（按两次 Esc 查看全部连接）
tui-live-sniff-only = 仅监听：下一步一被捕获就会显示
tui-quiz-nothing-to-ask = 这个连接里没有可以提问的步骤。
tui-quiz-all-right = 全部答对：你已经掌握了 TCP 如何建立和关闭连接。
tui-quiz-well-done = 做得不错。可以用 `{ $command }` 逐步查看答错的步骤。
tui-quiz-try-again = 再逐步看一遍这个连接（上面的时序图显示了全部步骤），然后按 r 重新测验。
tui-quiz-end-keys = r：再来一次 · q：退出
tui-quiz-answer-keys = 按 a–d 或 1–4 作答；也可以用 ↑↓ 和 Enter
tui-quiz-to-score = → / 空格 / Enter：最终得分
tui-quiz-to-next = → / 空格 / Enter：下一题
tui-quiz-status-asking = a–d 作答  ↑↓ Enter  l English  ? 帮助  q 退出
tui-quiz-status-answered = → 下一题  ↑↓ 滚动  l English  ? 帮助  q 退出
tui-quiz-status-done = r 再来一次  l English  q 退出
tui-quiz-name = 测验
tui-help-next-step = 下一步
tui-help-at-the-last = {"  "}（在最后一步时：执行下一个套接字调用）
tui-help-previous-step = 上一步
tui-help-first-last-step = 第一步 / 最后一步
tui-help-show-hide-the = 显示 / 隐藏后面的步骤
tui-help-next-previous-pane = 下一个 / 上一个窗格；滚动它
tui-help-go-to-a = 跳到时序图的一行、选中窗格 / 滚动它
tui-help-mouse = 鼠标点击 / 滚轮
tui-help-autoplay-on-off = 自动播放 开 / 关，加快 / 减慢
tui-help-while-autoplaying-pause = 自动播放时：暂停 / 继续
tui-help-presenter-layout-large = 演示布局（大字，适合投影）
tui-help-time-proportional-gaps = 时序图的间隔随步骤之间的时间变长
tui-help-what-if-lose = 假如这个报文段丢失、迟到或重复？
tui-help-choose-another-scenario = 选择另一个场景
tui-help-restart-from-the = 从第一步重新开始
tui-help-raw-relative-sequence = 原始 / 相对序列号
tui-help-language-of-the = 切换语言（English / 中文）
tui-help-this-help-or = 本帮助（? 或 Esc 关闭）
tui-help-connection-list-choose = 连接列表：选择、打开
tui-help-back-to-the = 回到连接列表（在列表中：退出）
tui-help-back-to-the-all = 到连接列表；在列表中：回到全部连接
tui-help-quit = 退出
tui-help-quit-always = 退出（任何时候）
tui-help-legend = 状态图中 C 表示客户端，S 表示服务端。
tui-quiz-help-title = {" "}测验按键（任意键关闭）{" "}
tui-quiz-help-answer = 作答
tui-quiz-help-choose = 选择答案、提交
tui-quiz-help-next-keys = →  空格  Enter
tui-quiz-help-next = 下一题
tui-quiz-help-scroll = 作答后：滚动讲解
tui-quiz-help-language = 切换语言（English / 中文）
tui-quiz-help-again = 重新开始测验
tui-quiz-help-help = 本帮助（任意键关闭）
tui-quiz-title-done = 测验 · 最终得分 { $score }
tui-quiz-title = 测验 · 第 { $n } 题，共 { $total } 题 · 得分 { $score }
tui-quiz-final = 最终得分：{ $asked } 题中答对 { $right } 题（{ $pct }%）。
tui-quiz-right = ✓ 答对了！
tui-quiz-wrong = ✗ 答错了：正确答案是 { $answer }
tui-quiz-step = 第 { $n } 步：{ $kind }
tui-quiz-the-end = 结束
tui-quiz-status-question = 第 { $n }/{ $total } 题
tui-quiz-status-score = 得分 { $right }/{ $asked }
tui-list-col-client = 客户端
tui-list-col-protocol = 协议
tui-list-col-server = 服务端
tui-list-col-packets = 包数
tui-list-col-bytes = 字节
tui-list-col-handshake = 握手
tui-list-col-close = 关闭
tui-list-col-duration = 时长
tui-list-col-flags-seen = 出现的标志
tui-list-seconds = { $s } 秒
tui-list-microseconds = { $us } 微秒
tui-list-detail-head = 流 { $stream }：客户端 { $client } → 服务端 { $server }
tui-list-frames = {" "}· { $n } 帧
tui-list-detail-size = { $packets } 个包，{ $bytes } 字节 · 开始于 { $start } · 持续 { $duration }
tui-list-detail-ends = 握手：{ $handshake }{ $rtt } · 关闭：{ $close } · 出现的标志：{ $flags }
tui-list-detail-states = 结束时的状态：{ $client } { $client_state } · { $server } { $server_state }
tui-list-detail-udp-head = UDP 流 { $stream }：{ $client } ↔ { $server }
tui-list-detail-udp-size = { $packets } 个数据报，{ $bytes } 字节 · 开始于 { $start } · 持续 { $duration }
tui-list-detail-udp-none = 没有握手、没有关闭、没有状态：每个数据报各自独立
tui-list-indexing-bar = {" "}正在建立索引 { $pct }% · { $frames } 帧 · { $conns } 个连接{" "}
tui-status-connection = 连接 { $n }/{ $total }
tui-status-pending = 正在建立索引… 索引完成后打开流 { $stream }（{ $pct }%）  Esc 取消
tui-status-pending-short = 索引完成后打开流 { $stream }（{ $pct }%）
tui-status-opening = 正在打开流 { $stream }…
tui-status-opening-udp = 正在打开 UDP 流 { $stream }…
tui-status-frame = {" "}· 第 { $frame } 帧
tui-status-countdown = ▶ { $seconds } 秒后下一步（空格暂停）
tui-status-autoplay = ▶ 自动播放 { $seconds } 秒
tui-status-seq-raw = seq 原始值
tui-status-seq-relative = seq 相对值
# 有列表可返回时，$back 是 tui-status-esc-list。
tui-status-keys = ←/→ 单步  Tab 窗格  ↑↓ 滚动  a 播放  s seq  l English  ? 帮助{ $back }  q 退出
tui-status-keys-mid = ←/→ 单步  a 播放  s seq  l English  ? 帮助{ $back }  q 退出
tui-status-keys-short = ←/→ 单步  ? 帮助{ $back }  q 退出
tui-status-stream = {" "}│ 流 { $stream }
tui-status-udp-stream = {" "}│ UDP 流 { $stream }
tui-menu-what-if-head = 假如这个 { $flags } 报文段……
tui-menu-not-a-segment = 这一步不是报文段：请先选中一个报文段。
tui-menu-lost = 在线路上丢失
tui-menu-late = 晚到半秒
tui-menu-twice = 到达两次
tui-menu-cannot-replay = 无法重放：{ $error }
tui-ui-ladder-title-list = { $name } · 流 { $stream }，共 { $total } 条（Esc：列表）
tui-ui-ladder-title-udp = { $name } · UDP 流 { $stream }，共 { $total } 条（Esc：列表）
tui-ui-ladder-title-all = { $name } · 全部 { $total } 个连接（Esc：列表）
tui-ui-ladder-title = { $name } · 流 { $stream }
tui-ui-hint-ahead = {" "}→ 下一步（已做好 { $n } 步），然后是下一个套接字调用
tui-ui-hint-next = {" "}下一个（→ / 空格）：{ $call }
tui-ui-too-small = 请把终端窗口放大：synack 至少需要 { $need_w }×{ $need_h }，当前是 { $w }×{ $h }。（q 退出）
tui-live-error = 错误：{ $error }
tui-file-damaged = 文件已损坏，只读到损坏处：{ $damage }
tui-file-cannot-index = 无法为文件建立索引：{ $error }
tui-file-cannot-read = 无法读取流 { $stream }：{ $error }
tui-file-cannot-read-udp = 无法读取 UDP 流 { $stream }：{ $error }

## inspect --plain：梯形图之后的统计

app-inspect-counts = { $frames } 帧，{ $segments } 个 TCP 报文段，{ $streams } 个连接

## UDP datagrams (no connection, no states)

layers-datagram = L4 传输层：UDP
explain-datagram-gone = { $who }发送一个 UDP 数据报，携带 { $n } 字节数据，发往端口 { $port }，但这个端口上已经没有绑定的套接字：接收方内核丢弃它，并回一个 ICMP 端口不可达，而发送方未连接的套接字永远看不到。sendto() 成功了，没有谁确认这个数据报，也没有谁重发它：它就这样消失了，只有程序自己能发觉——等一个永远不会来的回复。（Node.js：不会触发 'message'。）
explain-datagram = { $who }发送一个 UDP 数据报，携带 { $n } 字节数据，发往端口 { $port }。UDP 没有连接，也没有状态：之前没有握手，之后没有 ACK 应答，也没有谁会重传它。数据报在路上丢失就彻底没了，除非程序自己再发一次；它要么完整到达，要么根本不到，多个数据报还可能乱序到达。（Node.js：接收方的 dgram 套接字触发 'message' 事件。）
udp-datagram-label = UDP { $n } 字节
udp-stream = UDP 会话
udp-no-state = 无状态
udp-no-states = UDP 没有连接状态
tui-udp-no-states = UDP 没有连接状态：没有握手，没有 ACK，没有 FIN，也没有 TIME_WAIT。数据报发出去后，要么完整到达，要么就丢了。

## 场景库（synack scenarios、菜单、幻灯片标题）
scenario-handshake-summary = listen、connect、accept，双方各发一次 "hello"，客户端先关闭，然后服务端关闭
scenario-server-closes-first-summary = 服务端先关闭，所以进入 TIME_WAIT 的是服务端
scenario-three-way-close-summary = 对客户端 FIN 的延迟确认捎带在服务端的 FIN 上：FIN、FIN/ACK、ACK（最常见的关闭方式）
scenario-simultaneous-open-summary = 双方同时调用 connect()：SYN、SYN、SYN/ACK、SYN/ACK
scenario-simultaneous-close-summary = 双方同时调用 close()：都经过 CLOSING 进入 TIME_WAIT
scenario-half-close-summary = 客户端调用 shutdown(SHUT_WR)；服务端继续发送，然后关闭
scenario-refused-summary = SYN 发往没有监听的端口：RST/ACK，connect() 以 ECONNREFUSED 失败
scenario-abort-summary = SO_LINGER 设为 0 后 close()：用 RST 代替 FIN，不进入 TIME_WAIT
scenario-close-with-unread-data-summary = 服务端在接收缓冲区还有未读数据时 close()：发送 RST 而不是 FIN
scenario-syn-lost-summary = 第一个 SYN 丢失；connect() 的重传定时器在 1 秒后重发
scenario-syn-ack-lost-summary = SYN/ACK 丢失；客户端重发 SYN，服务端再次发送 SYN/ACK
scenario-fin-lost-summary = 客户端的 FIN 丢失；重传定时器在 1 秒后重发
scenario-time-wait-summary = Linux 把 TIME_WAIT 固定为 60 秒（即它的 2*MSL）；之后客户端从同一端口再次连接
scenario-reorder-summary = 两次 write()；线路延迟了第一个报文段，第二个先到并等待

## 实验脚本（synack live --list、标题、close() 提示）
script-default-summary = 三次握手，双方各发一次 hello，客户端先关闭（四次挥手）
script-refused-summary = connect() 连向没有程序监听的端口：内核回应 RST，ECONNREFUSED
script-half-close-summary = 客户端调用 shutdown(SHUT_WR)（半关闭），服务端继续写，然后关闭
script-abort-summary = 客户端把 SO_LINGER 设为 0 再关闭：发出 RST 而不是 FIN，没有 TIME_WAIT
script-unread-close-summary = 服务端在客户端的数据还没读时关闭：发出 RST，而不是 FIN
script-server-closes-first-summary = 服务端先关闭，所以进入 TIME_WAIT 的是服务端
script-time-wait-reuse-summary = 服务端先关闭并停在 TIME_WAIT；客户端立即从同一端口再次连接，Linux 接受这个新的 SYN
script-http-summary = 一次 HTTP/1.1 GET 和带 `Connection: close` 的 200 OK：服务端先关闭，所以在 TIME_WAIT 中等待的是服务端
script-http-first-close = 因为 `Connection: close`，服务端写完响应就结束连接，所以在 TIME_WAIT 中等待的是服务端而不是客户端
script-http-list-note = 加 --keep-alive：同一连接上两次 GET；客户端先关闭并在 TIME_WAIT 中等待
script-websocket-summary = WebSocket 升级（计算并校验 Sec-WebSocket-Accept），客户端发一个加掩码的文本帧，服务端回一个不加掩码的文本帧，双方交换关闭帧（1000），然后服务端先关闭并在 TIME_WAIT 中等待
script-websocket-first-close = 交换完关闭帧后，按 RFC 6455 §7.1.1 的要求由服务端先关闭 TCP 连接，所以在 TIME_WAIT 中等待的是服务端而不是客户端
script-http-keep-alive-summary = 在同一个保持（keep-alive）的连接上两次 HTTP/1.1 GET，然后客户端先关闭，所以在 TIME_WAIT 中等待的是客户端
script-http-keep-alive-first-close = HTTP/1.1 在每次响应后保持连接；客户端用完后先关闭，所以在 TIME_WAIT 中等待的是客户端
lab-title = { $summary }（客户端 { $client }，服务端 { $server }，真实套接字，在 { $iface } 上抓包）

## 整个抓包文件：标题
capture-title = { $frames } 帧，{ $segments } 个 TCP 报文段，{ $streams } 个连接

## sniff：内核自己做的事（$side 是 side-client 或 side-server），以及状态栏
kernel-event-retransmit = { $side }的内核重传了这个报文段
kernel-event-retransmit-syn-ack = 内核重传了这个 SYN/ACK
kernel-event-send-reset = { $side }的内核发送了这个 RST
kernel-event-receive-reset = { $side }的内核接受了这个 RST 并重置了它的套接字
sniff-status-port = 端口 { $port }
sniff-status = 正在 { $iface } 上抓取 { $what }：{ $frames } 帧，{ $segments } 个 TCP 报文段，{ $conns } 个连接
sniff-status-steps-let-go = ；只保留最近 { $kept } 步（已舍弃 { $gone } 步）
sniff-status-summaries-let-go = ；{ $gone } 个旧连接已从列表移除
sniff-status-dropped = ；内核丢弃了 { $dropped } 帧（读取跟不上）

## live 和 trace --plain：内核报告的状态与推断的状态并列
live-kernel-states-traced = 内核报告的状态（来自内核跟踪点，每次变化归于引起它的那一步）：
live-kernel-states-proc = 内核报告的状态（每次调用的报文段抓到后读取 /proc/net/tcp）：
live-kernel-agrees = 一致
live-kernel-differs-known = 不同，见下
live-kernel-differs = 不一致
live-kernel = 内核
live-socket-listener = 监听套接字
live-socket-connection = 连接套接字
live-socket-time-wait = TIME_WAIT 套接字
live-settings-heading = 本机的设置（读自 /proc/sys/net/ipv4）：
live-plain-states = 客户端 { $client } / 服务端 { $server }

## trace：每个报文段的起因，以及 --plain 的表格
trace-cause-step = ，第 { $step } 步
trace-cause-call = 由{ $side }在 fd { $fd } 上的 { $call }() 引起（pid { $pid }{ $step }）
trace-cause-kernel = 由内核自行发送：不是程序的任何调用引起的
trace-cause-aside = （{ $cause }）
trace-calls-heading = 命令自己的套接字调用（来自 syscalls:sys_enter_*/sys_exit_* 跟踪点）：
trace-steps-heading = 每个报文段由谁引起，以及每一步之后内核的状态（来自内核跟踪点）：

## trace：标题、内核自己做的事、状态栏
trace-title = `{ $command }`：它自己的套接字调用、在 lo 上的报文段和内核的状态
trace-event-retransmit = { $side }的内核重传了一个报文段
trace-event-retransmit-syn-ack = 内核重传了 SYN/ACK
trace-event-send-reset = { $side }的内核发送了 RST
trace-event-receive-reset = { $side }的内核接受了 RST 并重置了它的套接字
trace-status-running = 运行中
trace-status-exited = 已退出，退出码 { $code }
trace-status = trace `{ $command }`（{ $state }）：{ $calls } 个套接字调用，{ $frames } 帧{ $log }

## 实验：内核为何不同、WebSocket 校验失败
lab-note-half-open = Linux 让监听套接字保持 LISTEN；半连接由一个请求套接字保存（在 /proc/net/tcp 中可见，但没有状态变化事件），连接自己的套接字要到第三个报文段（ACK）到达时才创建：先是 SYN_RECEIVED，随即 ESTABLISHED
lab-note-syn-dropped = 全连接队列已满，所以服务端内核丢弃了这个 SYN，也没有创建请求套接字：监听套接字仍处于 LISTEN，服务端上还没有这个连接的任何东西。仅凭报文段分不清是 SYN 被丢弃，还是它的 SYN/ACK 丢失了，所以 synack 的推断在第一个 SYN 处就把服务端移到了 SYN_RECEIVED
lab-note-unexplained = 未解释：内核改变状态的时刻与报文段所示的不同
lab-note-bad-accept = 客户端读到的 101 响应没有通过校验：{ $why }

## 实验：下一个调用的提示和状态栏
lab-next-call = 下一个调用（第 { $n }/{ $total } 个）：{ $hint }
lab-status = 实验 `{ $script }`：客户端 { $client }，服务端 { $server }，在 { $iface } 上抓到 { $frames } 帧
lab-status-mismatches = 内核状态与推断状态有 { $n } 处不同
lab-time-left = （还剩 { $left } 秒）
capture-title-udp = ，{ $datagrams } 个 UDP 数据报（{ $conversations } 个会话）


## The live lab's hint for the next call (source/lab/mod.rs hint_for)
lab-hint-1 = 服务端：socket()、bind()、listen()：不发送报文；套接字在 LISTEN 中等待
lab-hint-2 = 客户端：在服务端的旧连接仍处于 TIME_WAIT 时，从同一端口再次 connect()：SYN →；它的序列号和时间戳都比旧连接的大，所以 Linux 接受它（RFC 9293 §3.6.1，RFC 6191）：← SYN/ACK，ACK →
lab-hint-3 = 客户端：connect()：SYN →，← SYN/ACK（由服务端内核发出，不需要 accept()），ACK →；收到 SYN/ACK 时 connect() 返回
lab-hint-4 = 客户端：connect() 到没有监听的端口 { $port }：SYN →，← RST；connect() 以 ECONNREFUSED 失败
lab-hint-5 = 服务端：accept()：不发送报文；握手已由内核完成，accept() 只是从全连接队列（accept 队列）中取出连接
lab-hint-6 = { $who }：write() { $n } 字节，{ $what }：数据 →，← { $peer }内核的 ACK
lab-hint-7 = { $who }：write() { $n } 字节：数据 →，← { $peer }内核的 ACK
lab-hint-8 = { $who }：read()：返回 0（EOF）：{ $peer }的 FIN 已到，之前的字节都已读完；不发送报文
lab-hint-9 = { $who }：read()：返回已在等待的 { $n } 字节，{ $what }；{ $peer }的 FIN 也已到达，下一次 read() 返回 0；不发送报文
lab-hint-10 = { $who }：read()：返回已在等待的 { $n } 字节，{ $what }；不发送报文
lab-hint-11 = { $who }：read()：返回已经收到的字节；不发送报文
lab-hint-12 = { $who }：read()：先读到数据，然后因为{ $peer }的 FIN 已到而返回 0（EOF）；不发送报文
lab-hint-13 = { $who }：在已被重置的连接上 read()：失败；不发送报文
lab-hint-14 = { $who }：read()：返回已经收到的字节；不发送报文
lab-hint-15 = { $who }：shutdown(SHUT_WR)：FIN →，← ACK；{ $who_ref }仍然可以读
lab-hint-16 = { $who }：setsockopt(SO_LINGER, {"{"}on, 0{"}"})：不发送报文；之后的 close() 会发送 RST
lab-hint-17 = { $who }：close()：不发送报文，连接已经不存在
lab-hint-18 = { $who }：SO_LINGER 为 0 时 close()：RST →，没有 FIN，也没有 TIME_WAIT
lab-hint-19 = { $who }：还有 { $unread } 字节未读时 close()：RST →，而不是 FIN
lab-hint-20 = { $who }：close()：FIN →，← ACK；{ $who_ref }进入 LAST_ACK，然后 CLOSED
lab-hint-21 = { $who }：close()：FIN 已随 shutdown() 发出；不再发送新报文
lab-hint-22 = { $who }：先 close()：FIN →，← ACK；{ $why }；{ $peer }的 read() 将返回 0
lab-hint-23 = { $who }：close()：FIN →，← ACK；{ $peer }的 read() 将返回 0，{ $who_ref }将在 TIME_WAIT 中等待

## One stream of an indexed capture, read back by its offsets (the TUI on large files)
capture-stream-title = 连接 { $stream }：{ $client } -> { $server }，{ $packets } 个数据包
capture-stream-title-bare = 连接 { $stream }
capture-udp-stream-title = UDP 会话 { $stream }：{ $packets } 个数据报

## 实验的 udp、chat 与 backlog 脚本

script-udp-summary = 两个 UDP 套接字：各向对方发一个数据报（没有握手、没有状态、没有 ACK、没有 FIN），然后在服务端关闭套接字之后再发一个：它就这样消失了
script-chat-summary = 一个聊天服务端和三个客户端：一个客户端写的每一行都转发给另外两个；然后客户端一个个离开（各自在 TIME_WAIT 中等待）
script-backlog-summary = listen(fd, 1) 和四个非阻塞客户端，起初不调用 accept()：两个连接占满全连接队列，其余的 SYN 被丢弃并重传，随后 accept() 腾空队列
script-chat-first-close = 聊天客户端自己结束会话，所以先离开的客户端在 TIME_WAIT 中等待，而不是服务端
lab-client-n = 客户端 { $n }
lab-queues = 监听套接字：全连接队列中有 { $accept } 个（超过 backlog 才算满：最多 { $most } 个等待），半连接队列中有 { $syn } 个；实验开始以来本网络命名空间（所有监听套接字）的 ListenOverflows：{ $overflows }
lab-hint-listen-backlog = 服务端：listen(fd, { $backlog })：不发送报文；全连接队列最多容纳 { $most } 个已完成的连接（Linux 只在队列长度超过 backlog 时才认为它满了）
lab-hint-connect-room = { $who }：在非阻塞套接字上 connect()，立即返回 EINPROGRESS：SYN →，← SYN/ACK，ACK →；全连接队列中有 { $queued } 个（上限 { $most }），所以内核应答并把连接放入队列
lab-hint-connect-full = { $who }：在非阻塞套接字上 connect()，立即返回 EINPROGRESS：SYN →，但全连接队列已满（{ $queued } 个，上限 { $most }，都在等 accept()）：服务端内核悄悄丢弃这个 SYN，客户端内核会再发一次（1 秒后，然后再发）
lab-hint-poll = { $who }：poll() 最多等 { $ms } 毫秒，直到 connect() 完成（它的连接处于 { $state }）；全连接队列中有 { $queued } 个（上限 { $most }）：队列满时重传的 SYN 会再次被丢弃，有空位时到达的 SYN 会得到应答
lab-hint-accept-queue = 服务端：accept()：不发送报文；从全连接队列的 { $queued } 个连接中取走最早的一个，为下一次握手腾出位置
lab-hint-sendto = { $who }：sendto()：{ $what }，{ $n } 字节装在一个数据报里发给{ $peer }：之前没有 connect()，之后也没有 ACK
lab-hint-sendto-gone = { $who }：再 sendto() { $n } 字节，但服务端已经关闭了套接字，端口 { $port } 上没有绑定任何套接字：sendto() 照样成功，数据报照样发出，然后就这样消失了：没有 ACK，没有重传，未连接的套接字也收不到任何错误
lab-hint-recvfrom = { $who }：recvfrom()：完整取出{ $what }，连同发送方的地址；不发送报文，也不确认任何东西
lab-hint-close-udp = { $who }：close()：不发送报文；UDP 套接字没有连接需要结束，所以没有 FIN，也没有 TIME_WAIT
lab-words-line-write = 一行 "{ $line }" 和它的换行符（TCP 传的是字节而不是消息：服务端靠换行符找到一行的结尾）
lab-words-line-read = 来自{ $from }的一行 "{ $line }"
lab-words-relay-write = "{ $line }"：从{ $from }读到的那一行，前面加上它的名字；服务端把它写给除发送者以外的每个客户端
lab-words-relay-read = 服务端转发的那一行，前面带着发送者的名字
lab-words-datagram = "{ $text }"
lab-status-queues = 全连接队列 { $accept }/{ $most }，半连接队列 { $syn }
lab-server-of = 服务端（与客户端 { $n } 的连接）
lab-hint-accept-n = 服务端：accept()：不发送报文；握手已由内核完成：accept() 为全连接队列中最早的连接（客户端 { $n } 的连接）返回一个新套接字，监听套接字保持不变，等待下一个连接
lab-hint-connect-n = { $who }：从自己的端口 connect()：SYN →，← SYN/ACK（由服务端内核发送），ACK →；服务端靠四元组把这个连接和其他连接区分开
lab-ref-client = 客户端
lab-ref-server = 服务端
