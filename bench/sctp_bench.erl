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

pattern() ->
    list_to_binary([(I * 131 + 17) band 255 || I <- lists:seq(0, 65536 + 255)]).

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
