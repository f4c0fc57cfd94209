%% A gen_sctp peer for tests/interop.test.ts: Erlang/OTP's own gen_sctp on
%% the other end of an association.
%%
%%   erl -noshell -pa DIR -run sctp_peer main server
%%       echo server on 127.0.0.1: prints "PORT <n>", then echoes every data
%%       message back on the same association, stream and ppid, printing
%%       "ECHO <stream> <ppid> <size>" for each.
%%   erl -noshell -pa DIR -run sctp_peer main client <port> <n>
%%       connects to 127.0.0.1:<port> with 5 outbound streams, sends <n>
%%       messages "msg <i>" on stream i rem 5 with ppid 1000 + i, then waits
%%       for <n> replies, printing "REPLY <stream> <ppid> <data>" for each and
%%       finally "DONE".
%%
%% Either mode halts by itself after 300 s, so a forgotten peer cannot linger.
-module(sctp_peer).
-export([main/1]).
-include_lib("kernel/include/inet_sctp.hrl").

main(Args) ->
    {ok, _} = timer:apply_after(300000, erlang, halt, [3]),
    try run(Args) of
        ok -> halt(0)
    catch
        C:E:St ->
            io:format("ERROR ~p:~p ~p~n", [C, E, St]),
            halt(2)
    end.

run(["server"]) ->
    {ok, S} = gen_sctp:open(0, [{ip, {127, 0, 0, 1}}, {active, false},
                                binary]),
    ok = gen_sctp:listen(S, true),
    {ok, Port} = inet:port(S),
    io:format("PORT ~w~n", [Port]),
    server_loop(S);
run(["client", PortS, NS]) ->
    Port = list_to_integer(PortS),
    N = list_to_integer(NS),
    {ok, S} = gen_sctp:open([{active, false}, binary]),
    {ok, Assoc} = gen_sctp:connect(S, {127, 0, 0, 1}, Port,
                                   [{sctp_initmsg,
                                     #sctp_initmsg{num_ostreams = 5}}],
                                   60000),
    io:format("UP ~w ~w~n", [Assoc#sctp_assoc_change.outbound_streams,
                             Assoc#sctp_assoc_change.inbound_streams]),
    Id = Assoc#sctp_assoc_change.assoc_id,
    lists:foreach(
      fun(I) ->
              Data = list_to_binary(io_lib:format("msg ~w", [I])),
              ok = gen_sctp:send(S, #sctp_sndrcvinfo{stream = I rem 5,
                                                     ppid = 1000 + I,
                                                     assoc_id = Id},
                                 Data)
      end, lists:seq(1, N)),
    client_replies(S, N),
    io:format("DONE~n"),
    ok = gen_sctp:close(S),
    ok.

server_loop(S) ->
    case gen_sctp:recv(S, infinity) of
        {ok, {_IP, _P, [#sctp_sndrcvinfo{stream = St, ppid = Ppid,
                                         assoc_id = A}], Data}}
          when is_binary(Data) ->
            ok = gen_sctp:send(S, #sctp_sndrcvinfo{stream = St, ppid = Ppid,
                                                   assoc_id = A}, Data),
            io:format("ECHO ~w ~w ~w~n", [St, Ppid, byte_size(Data)]);
        {ok, {_IP, _P, _Anc, Event}} ->
            io:format("EVENT ~w~n", [element(1, Event)]);
        {error, Reason} ->
            io:format("RECV_ERROR ~p~n", [Reason])
    end,
    server_loop(S).

client_replies(_S, 0) ->
    ok;
client_replies(S, N) ->
    case gen_sctp:recv(S, 60000) of
        {ok, {_IP, _P, [#sctp_sndrcvinfo{stream = St, ppid = Ppid}], Data}}
          when is_binary(Data) ->
            io:format("REPLY ~w ~w ~s~n", [St, Ppid, Data]),
            client_replies(S, N - 1);
        {ok, {_IP, _P, _Anc, _Event}} ->
            client_replies(S, N);
        {error, Reason} ->
            exit({recv, Reason})
    end.
