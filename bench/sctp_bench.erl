%% sctp_bench: the Erlang/OTP gen_sctp baseline of the benchmark suite.
%%
%%   erl -noshell -pa DIR -run sctp_bench main tput size=64 count=1000 reps=3
%%
%% Same workloads, message format and output as bench/sctp_bench.c and
%% bench/bench.ts: one JSON line {"impl":"erlang","workload":..,"ok":..,"runs":[..]}.
%% Both endpoints live in this node: the receiver is its own process.
%% With step=1, the stepped protocol of bench/step.ts: {"ready":1} once set
%% up, then one repetition per "go" line on stdin, each reported at once as
%% {"rep":{..}}.
-module(sctp_bench).
-export([main/1]).
-include_lib("kernel/include/inet_sctp.hrl").

-define(BUF, 1048576).

main([W | Args]) ->
    case [R || "role=" ++ R <- Args] of
        [Role] -> peer(W, Role, [A || A <- Args, not lists:prefix("role=", A)]);
        _ -> inproc(W, Args)
    end.

inproc(W, Args) ->
    Kv = [list_to_tuple(string:split(A, "=")) || A <- Args],
    Arg = fun(K, D) ->
                  case lists:keyfind(K, 1, Kv) of
                      {_, V} -> list_to_integer(V);
                      false -> D
                  end
          end,
    Res = try run(W, Arg)
          catch
              throw:{fail, Why0, Runs0, Extra0} -> {fail, Why0, Runs0, Extra0};
              C:E:St -> {fail, io_lib:format("~p:~p ~p", [C, E, hd(St)]), [], ""}
          end,
    {Ok, Err, Runs, Extra} =
        case Res of
            {ok, R, X} -> {true, "", R, X};
            {fail, Why2, R, X} -> {false, Why2, R, X}
        end,
    RunsJ = lists:join(",", Runs),
    ErrJ = case Ok of
               true -> "";
               false -> [",\"error\":\"", escape(lists:flatten(Err)), "\""]
           end,
    io:format("{\"impl\":\"erlang\",\"workload\":\"~s\",\"runs\":[~s],\"ok\":~s~s~s}~n",
              [W, RunsJ, Ok, ErrJ, Extra]),
    erlang:halt(case Ok of true -> 0; false -> 1 end).

escape(S) -> [case C of $" -> $'; $\\ -> $/; $\n -> $\s; _ -> C end || C <- S].

pattern() -> pattern(65536).
pattern(Max) ->
    list_to_binary([(I * 131 + 17) band 255 || I <- lists:seq(0, Max + 255)]).

msg(P, Size, Seq, Tag) ->
    [<<Seq:32/little, Tag:32/little>>, binary:part(P, (Seq + Tag) band 255, Size - 8)].

opts() ->
    [binary, {active, false}, {buffer, 65536 + 1024},
     {recbuf, ?BUF}, {sndbuf, ?BUF}, {sctp_nodelay, true},
     {sctp_initmsg, #sctp_initmsg{num_ostreams = 64, max_instreams = 64}}].

server() ->
    {ok, S} = gen_sctp:open(0, [{ip, {127, 0, 0, 1}} | opts()]),
    ok = gen_sctp:listen(S, true),
    {ok, Port} = inet:port(S),
    {S, Port}.

client(Port) ->
    {ok, C} = gen_sctp:open(0, opts()),
    {ok, A} = gen_sctp:connect(C, {127, 0, 0, 1}, Port, []),
    {C, A}.

now_us() -> erlang:monotonic_time(microsecond).

%% receives one data message, skipping events
recv_data(S) ->
    case gen_sctp:recv(S, 60000) of
        {ok, {_, _, [#sctp_sndrcvinfo{} = I | _], Data}} when is_binary(Data) ->
            {I, Data};
        {ok, {_, _, _, Data}} when is_binary(Data) -> {undefined, Data};
        {ok, _Event} -> recv_data(S);
        {error, E} -> throw({recv, E})
    end.

check(P, Size, Data, Seq, Tag) ->
    case Data of
        <<Seq:32/little, Tag:32/little, Body/binary>> when byte_size(Data) =:= Size ->
            case Body =:= binary:part(P, (Seq + Tag) band 255, Size - 8) of
                true -> ok;
                false -> throw({corrupt, Tag, Seq})
            end;
        <<S2:32/little, T2:32/little, _/binary>> ->
            throw({unexpected, {tag, T2, seq, S2, len, byte_size(Data)},
                   {expected, Tag, Seq, Size}});
        _ -> throw({short, byte_size(Data)})
    end.

%% receiver: Total messages, per-tag order, replies {done, Time} | {failed, Why}
receiver(Parent, S, P, Size, Total, StreamTag) ->
    spawn_link(fun() ->
        R = try rx_loop(S, P, Size, Total, StreamTag, #{}), {done, now_us()}
            catch throw:Why -> {failed, Why}
            end,
        Parent ! {self(), R}
    end).

rx_loop(_, _, _, 0, _, _) -> ok;
rx_loop(S, P, Size, N, StreamTag, Next) ->
    {I, Data} = recv_data(S),
    <<_:32, Tag:32/little, _/binary>> = Data,
    case StreamTag of
        true when I#sctp_sndrcvinfo.stream =/= Tag ->
            throw({wrong_stream, Tag, I#sctp_sndrcvinfo.stream});
        _ -> ok
    end,
    Seq = maps:get(Tag, Next, 0),
    check(P, Size, Data, Seq, Tag),
    rx_loop(S, P, Size, N - 1, StreamTag, Next#{Tag => Seq + 1}).

%% sends Count messages; Targets is a tuple of {Socket, Assoc} (one per tag)
%% or a single one with NStreams streams
oneway(S, P, Size, Count, Clients, NStreams) ->
    NC = tuple_size(Clients),
    Rx = receiver(self(), S, P, Size, Count, NC =:= 1),
    T0 = now_us(),
    try tx_loop(P, Size, 0, Count, Clients, NC, NStreams, #{})
    catch throw:Why -> unlink(Rx), exit(Rx, kill), throw({fail_send, Why})
    end,
    receive
        {Rx, {done, T1}} -> Count / ((T1 - T0) / 1.0e6);
        {Rx, {failed, Why2}} -> throw({fail_recv, Why2})
    after 120000 -> throw(receive_timeout)
    end.

tx_loop(_, _, I, Count, _, _, _, _) when I >= Count -> ok;
tx_loop(P, Size, I, Count, Clients, NC, NStreams, Seqs) ->
    {Tag, {C, A}, Stream} =
        case NC of
            1 -> {I rem NStreams, element(1, Clients), I rem NStreams};
            _ -> {I rem NC, element(I rem NC + 1, Clients), 0}
        end,
    Seq = maps:get(Tag, Seqs, 0),
    case gen_sctp:send(C, A, Stream, msg(P, Size, Seq, Tag)) of
        ok -> ok;
        {error, E} -> throw({send, E})
    end,
    tx_loop(P, Size, I + 1, Count, Clients, NC, NStreams, Seqs#{Tag => Seq + 1}).

%% Reps repetitions of F (stepped: each after a "go" line, reported at once)
reps(Arg, F) -> reps(Arg("reps", 3), Arg("step", 0) =:= 1, F, []).
reps(0, _, _, Acc) -> lists:reverse(Acc);
reps(N, Step, F, Acc) ->
    gate(Step),
    R = try F()
        catch throw:Why -> throw({fail, io_lib:format("~p", [Why]), lists:reverse(Acc), ""})
        end,
    case Step of
        true -> io:format("{\"rep\":~s}~n", [R]);
        false -> ok
    end,
    reps(N - 1, Step, F, [R | Acc]).

gate(false) -> ok;
gate(true) ->
    case get(ready) of
        undefined -> io:format("{\"ready\":1}~n"), put(ready, true);
        _ -> ok
    end,
    case io:get_line("") of
        Line when is_list(Line); is_binary(Line) -> ok;
        _ -> erlang:halt(3) % the orchestrator left
    end.

run(W, Arg) when W =:= "tput"; W =:= "streams" ->
    P = pattern(),
    Size = Arg("size", 64),
    Count = Arg("count", 1000),
    NStreams = case W of "tput" -> 1; _ -> Arg("streams", 64) end,
    {S, Port} = server(),
    Cl = client(Port),
    Runs = reps(Arg, fun() ->
        Mps = oneway(S, P, Size, Count, {Cl}, NStreams),
        io_lib:format("{\"msgs_per_s\":~.1f,\"mb_per_s\":~.3f}", [Mps, Mps * Size / 1.0e6])
    end),
    {ok, Runs, ""};
run("rtt", Arg) ->
    P = pattern(),
    Size = Arg("size", 64),
    Count = Arg("count", 1000),
    Warm = Count div 10 + 1,
    Reps = Arg("reps", 3),
    {S, Port} = server(),
    {C, A} = client(Port),
    spawn_link(fun() -> echo(S, (Count + Warm) * Reps) end),
    Runs = reps(Arg, fun() ->
        Lat = lists:sort(ping(C, A, P, Size, Count + Warm, Warm, [])),
        Med = lists:nth(Count div 2 + 1, Lat),
        P99 = lists:nth(trunc(Count * 0.99) + 1, Lat),
        io_lib:format("{\"median_us\":~.1f,\"p99_us\":~.1f}", [float(Med), float(P99)])
    end),
    {ok, Runs, ""};
run("fanin", Arg) ->
    P = pattern(),
    Size = Arg("size", 64),
    N = Arg("assocs", 100),
    Msgs = Arg("msgs", 10),
    {S, Port} = server(),
    Mem0 = vm_bytes(),
    Cls = list_to_tuple([client(Port) || _ <- lists:seq(1, N)]),
    Mem1 = vm_bytes(),
    Extra = io_lib:format(",\"rss_per_assoc\":~w", [round((Mem1 - Mem0) / N)]),
    Runs = try
               reps(Arg, fun() ->
                   Mps = oneway(S, P, Size, N * Msgs, Cls, 1),
                   io_lib:format("{\"msgs_per_s\":~.1f}", [Mps])
               end)
           catch throw:{fail, Why, R, _} -> throw({fail, Why, R, Extra})
           end,
    {ok, Runs, Extra}.

ping(_, _, _, _, 0, _, Acc) -> Acc;
ping(C, A, P, Size, N, Warm, Acc) ->
    Seq = N,
    T0 = now_us(),
    case gen_sctp:send(C, A, 0, msg(P, Size, Seq, 0)) of
        ok -> ok;
        {error, E} -> throw({send, E})
    end,
    {_, Data} = recv_data(C),
    T1 = now_us(),
    check(P, Size, Data, Seq, 0),
    Acc2 = case Warm > 0 of true -> Acc; false -> [T1 - T0 | Acc] end,
    ping(C, A, P, Size, N - 1, max(0, Warm - 1), Acc2).

echo(_, 0) -> ok;
echo(S, N) ->
    {I, Data} = recv_data(S),
    %% a received sndrcvinfo cannot be sent back verbatim (ssn/tsn/cumtsn
    %% are set): reply on its association and stream
    #sctp_sndrcvinfo{assoc_id = Assoc, stream = Stream} = I,
    ok = gen_sctp:send(S, Assoc, Stream, Data),
    echo(S, N - 1).

%% Live bytes during a run: every process collected, no settling pause
%% (vm_bytes/0 is for a fresh VM)
live_bytes() ->
    [erlang:garbage_collect(Pid) || Pid <- processes()],
    erlang:memory(total).

vm_bytes() ->
    %% The VM's own allocated bytes, after collecting every process: the RSS
    %% delta is below noise here (the allocators cache and release whole
    %% carriers, so /proc/self/statm went down as 1,000 ports were opened)
    %% Sampled twice, 100 ms apart, after collecting: the first sample of a
    %% fresh VM still held start-up garbage (1,000 ports once came out as
    %% -1,951 bytes each)
    [erlang:garbage_collect(Pid) || Pid <- processes()],
    timer:sleep(100),
    [erlang:garbage_collect(Pid) || Pid <- processes()],
    erlang:memory(total).

%% ---- separate-process peers (role=server|client) ----
%% The protocol of the separate-process mode of bench/sctp_bench.c (see the
%% comment there). Buffers only when set (sndbuf=/recbuf= non-zero); the
%% user-space `buffer` holds the largest message. gen_sctp's send returns
%% {error, eagain} when the send buffer is full instead of waiting: the
%% client retries after 1 ms, as an Erlang user has to; {error, emsgsize}
%% (a message larger than the send buffer) raises sndbuf once.
-define(MARK, 16#FFFFFFFF).

popts(Arg) ->
    Size = Arg("size", 64),
    [binary, {active, false}, {buffer, max(Size, 65536) + 1024},
     {sctp_nodelay, true},
     {sctp_initmsg, #sctp_initmsg{num_ostreams = 64, max_instreams = 64}}]
    ++ [{sndbuf, V} || V <- [Arg("sndbuf", 0)], V > 0]
    ++ [{recbuf, V} || V <- [Arg("recbuf", 0)], V > 0].

say(Fmt, A) -> io:format(Fmt ++ "~n", A).

wall_ms() -> os:system_time(microsecond) / 1000.

rss() ->
    {ok, B} = file:read_file("/proc/self/statm"),
    [_, R | _] = string:lexemes(binary_to_list(B), " \n"),
    list_to_integer(R) * 4096.

pfail(Why) ->
    say("{\"ok\":false,\"error\":\"~s\"}", [escape(lists:flatten(io_lib:format("~p", [Why])))]),
    erlang:halt(1).

peer(W, Role, Args) ->
    Kv = [list_to_tuple(string:split(A, "=")) || A <- Args],
    Arg = fun(K, D) ->
                  case lists:keyfind(K, 1, Kv) of
                      {_, V} -> list_to_integer(V);
                      false -> D
                  end
          end,
    try
        case Role of
            "server" -> pserver(W, Arg);
            "client" -> pclient(W, Arg)
        end,
        erlang:halt(0)
    catch
        throw:Why -> pfail(Why);
        C:E:St -> pfail({C, E, hd(St)})
    end.

psend(C, A, Stream, Msg) -> psend(C, A, Stream, Msg, false).
psend(C, A, Stream, Msg, Grown) ->
    case gen_sctp:send(C, A, Stream, Msg) of
        ok -> ok;
        {error, eagain} -> timer:sleep(1), psend(C, A, Stream, Msg, Grown);
        {error, emsgsize} when not Grown ->
            %% larger than the send buffer: raise it to the message's size
            %% once, as the C client and the library do
            ok = inet:setopts(C, [{sndbuf, iolist_size(Msg)}]),
            psend(C, A, Stream, Msg, true);
        {error, E} -> throw({send, E})
    end.

pserver(W, Arg) ->
    Rss0 = rss(),
    Mem0 = erlang:memory(total),
    Live0 = case W of "fanin" -> vm_bytes(); _ -> 0 end,
    Size = Arg("size", 64),
    P = pattern(Size),
    {ok, S} = gen_sctp:open(0, [{ip, {127, 0, 0, 1}} | popts(Arg)]),
    ok = gen_sctp:listen(S, true),
    {ok, Port} = inet:port(S),
    say("{\"ready\":1,\"port\":~w}", [Port]),
    case W of
        "rtt" -> pecho(S);
        _ ->
            Fanin = W =:= "fanin",
            Assocs = Arg("assocs", 0),
            Fanin andalso spawn(fun() -> closer(S) end),
            Want = case Fanin of true -> Assocs * Arg("msgs", 1); false -> -1 end,
            prounds(S, P, Size, Fanin, Want, #{}, {Assocs, 0, 0, {Rss0, Mem0, Live0, Live0}})
    end.

closer(S) ->
    case io:get_line("") of
        "close" ++ _ -> ok;
        eof -> ok;
        {error, _} -> ok;
        _ -> closer(S)
    end,
    T = wall_ms(),
    gen_sctp:close(S),
    say("{\"closed_ms\":~.1f}", [wall_ms() - T]),
    erlang:halt(0).

%% Next (the next sequence number per tag) runs on across rounds, as the
%% client's sequence numbers do
prounds(S, P, Size, Fanin, Want, Next, Up) ->
    {Got, T1, Next2, Up2} = pround(S, P, Size, Fanin, Want, 0, 0, Next, Up),
    say("{\"rep\":{\"t1\":~.3f,\"n\":~w}}", [float(T1), Got]),
    prounds(S, P, Size, Fanin, Want, Next2, Up2).

pround(_, _, _, _, Want, Got, T1, Next, Up) when Want >= 0, Got >= Want -> {Got, T1, Next, Up};
pround(S, P, Size, Fanin, Want, Got, T1, Next, {Assocs, N, U0, {Rss0, Mem0, Live0, LiveH0}} = Up) ->
    case gen_sctp:recv(S) of
        {ok, {_, _, _, #sctp_assoc_change{state = comm_up}}} ->
            U = case N of 0 -> wall_ms(); _ -> U0 end,
            N1 = N + 1,
            %% half the comm_ups: the live-memory sample for the second
            %% half (its own pause is not counted in the setup rate)
            {U1, LiveH} = case N1 =:= Assocs div 2 andalso N1 < Assocs of
                              true ->
                                  TP = wall_ms(),
                                  L = live_bytes(),
                                  {U + (wall_ms() - TP), L};
                              false -> {U, LiveH0}
                          end,
            N1 =:= Assocs andalso
                begin
                    Up_s = (wall_ms() - U1) / 1000,
                    Rss1 = rss(),
                    Mem1 = erlang:memory(total),
                    Live1 = live_bytes(),
                    say("{\"up\":~w,\"up_s\":~.3f,\"rss_per_assoc\":~w,\"erl_mem_per_assoc\":~w,\"live_per_assoc\":~w,\"live_2nd_per_assoc\":~w}",
                        [N1, Up_s, round((Rss1 - Rss0) / Assocs),
                         round((Mem1 - Mem0) / Assocs),
                         round((Live1 - Live0) / Assocs),
                         round((Live1 - LiveH) / max(1, Assocs - Assocs div 2))])
                end,
            pround(S, P, Size, Fanin, Want, Got, T1, Next, {Assocs, N1, U1, {Rss0, Mem0, Live0, LiveH}});
        {ok, {_, _, [#sctp_sndrcvinfo{stream = St} | _], <<Seq:32/little, ?MARK:32/little>>}}
          when St >= 0 ->
            pround(S, P, Size, Fanin, Seq, Got, T1, Next, Up);
        {ok, {_, _, [#sctp_sndrcvinfo{stream = St} | _], Data}} when is_binary(Data) ->
            <<_:32, Tag:32/little, _/binary>> = Data,
            (not Fanin) andalso St =/= Tag andalso throw({wrong_stream, Tag, St}),
            Seq = maps:get(Tag, Next, 0),
            check(P, Size, Data, Seq, Tag),
            pround(S, P, Size, Fanin, Want, Got + 1, wall_ms(), Next#{Tag => Seq + 1}, Up);
        {ok, _Event} -> pround(S, P, Size, Fanin, Want, Got, T1, Next, Up);
        {error, E} -> throw({recv, E})
    end.

pgate() ->
    case io:get_line("") of
        "go" ++ _ -> true;
        _ -> false
    end.

pclient(W, Arg) ->
    Size = Arg("size", 64),
    P = pattern(Size),
    Port = Arg("port", 0),
    Fanin = W =:= "fanin",
    N = case Fanin of true -> Arg("assocs", 1); false -> 1 end,
    Type = case Arg("ctype", 0) of 1 -> [{type, stream}]; _ -> [] end,
    Rss0 = rss(),
    Mem0 = erlang:memory(total),
    Live0 = case Fanin of true -> vm_bytes(); false -> 0 end,
    T0 = wall_ms(),
    Open = fun(I) ->
                   {ok, C} = gen_sctp:open(0, Type ++ popts(Arg)),
                   case gen_sctp:connect(C, {127, 0, 0, 1}, Port, []) of
                       {ok, A} -> {C, A};
                       {error, E} -> throw({connect, I, E})
                   end
           end,
    %% the second half's RSS growth: per association, without the first
    %% sockets' one-off costs (code, heap sizing)
    Half = N div 2,
    Cls1 = [Open(I) || I <- lists:seq(1, Half)],
    Rss1 = rss(),
    TP = wall_ms(),
    LiveH = case Fanin of true -> live_bytes(); false -> 0 end,
    TH = wall_ms(),
    Cls = list_to_tuple(Cls1 ++ [Open(I) || I <- lists:seq(Half + 1, N)]),
    T2 = wall_ms(),
    %% the half-way sample's own pause is not setup time
    Setup = (T2 - T0 - (TH - TP)) / 1000,
    case Fanin of
        true ->
            Rss2 = rss(),
            Mem2 = erlang:memory(total),
            Live2 = live_bytes(),
            say("{\"ready\":1,\"assocs_per_s\":~.1f,\"assocs_per_s_2nd\":~.1f,\"rss_per_assoc\":~w,\"rss_2nd_per_assoc\":~w,\"erl_mem_per_assoc\":~w,\"live_per_assoc\":~w,\"live_2nd_per_assoc\":~w}",
                [N / Setup, (N - Half) / max(1.0e-6, (T2 - TH) / 1000),
                 round((Rss2 - Rss0) / N),
                 round((Rss2 - Rss1) / max(1, N - Half)),
                 round((Mem2 - Mem0) / N),
                 round((Live2 - Live0) / N),
                 round((Live2 - LiveH) / max(1, N - Half))]);
        false -> say("{\"ready\":1}", [])
    end,
    case W of
        "rtt" -> prtt(element(1, Cls), P, Size, Arg("count", 1000), 0);
        "fanin" -> pfanin(Cls, P, Size, Arg("msgs", 1), 0);
        "tput" -> ptput(element(1, Cls), P, Size, Arg("count", 1000),
                        Arg("secs", 0), Arg("streams", 1), #{})
    end,
    T = wall_ms(),
    [gen_sctp:close(C) || {C, _} <- tuple_to_list(Cls)],
    say("{\"closed_ms\":~.1f}", [wall_ms() - T]).

prtt({C, A} = Cl, P, Size, Count, Seq) ->
    case pgate() of
        false -> ok;
        true ->
            Warm = Count div 10 + 1,
            Lat = lists:sort(ping(C, A, P, Size, Count + Warm, Warm, [])),
            Q = fun(F) -> float(lists:nth(trunc(Count * F) + 1, Lat)) end,
            say("{\"rep\":{\"median_us\":~.1f,\"p99_us\":~.1f,\"p999_us\":~.1f}}",
                [Q(0.5), Q(0.99), Q(0.999)]),
            prtt(Cl, P, Size, Count, Seq + 1)
    end.

pfanin(Cls, P, Size, Msgs, Round) ->
    case pgate() of
        false -> ok;
        true ->
            T0 = wall_ms(),
            N = tuple_size(Cls),
            [begin
                 {C, A} = element(I + 1, Cls),
                 psend(C, A, 0, msg(P, Size, Round * Msgs + M, I))
             end || M <- lists:seq(0, Msgs - 1), I <- lists:seq(0, N - 1)],
            say("{\"rep\":{\"t0\":~.3f,\"n\":~w}}", [float(T0), N * Msgs]),
            pfanin(Cls, P, Size, Msgs, Round + 1)
    end.

ptput({C, A} = Cl, P, Size, Count, Secs, Streams, Seqs) ->
    case pgate() of
        false -> ok;
        true ->
            T0 = wall_ms(),
            {Sent, Seqs2} = ptx(C, A, P, Size, Count, T0 + Secs * 1000, Secs > 0,
                                Streams, 0, Seqs),
            psend(C, A, 0, <<Sent:32/little, ?MARK:32/little>>),
            say("{\"rep\":{\"t0\":~.3f,\"n\":~w}}", [float(T0), Sent]),
            ptput(Cl, P, Size, Count, Secs, Streams, Seqs2)
    end.

ptx(_, _, _, _, Count, _, _, _, I, Seqs) when I >= Count -> {I, Seqs};
ptx(C, A, P, Size, Count, End, Timed, Streams, I, Seqs) ->
    case Timed andalso I > 0 andalso wall_ms() > End of
        true -> {I, Seqs};
        false ->
            Tag = I rem Streams,
            Seq = maps:get(Tag, Seqs, 0),
            psend(C, A, Tag, msg(P, Size, Seq, Tag)),
            ptx(C, A, P, Size, Count, End, Timed, Streams, I + 1, Seqs#{Tag => Seq + 1})
    end.

%% the rtt server: echoes until killed (no receive timeout: a stepped server
%% waits while the other variants run)
pecho(S) ->
    case gen_sctp:recv(S) of
        {ok, {_, _, [#sctp_sndrcvinfo{assoc_id = Assoc, stream = Stream} | _], Data}}
          when is_binary(Data) ->
            ok = gen_sctp:send(S, Assoc, Stream, Data);
        {ok, _Event} -> ok;
        {error, E} -> throw({recv, E})
    end,
    pecho(S).
