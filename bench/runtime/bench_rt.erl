%% bench_rt.erl — the BEAM peer of bench_rt.c: the same six figures,
%% measured the same way, printed as "name value" lines.
%% Run: erl -noshell +S N:N -pa DIR -run bench_rt main [quick] -s init stop
-module(bench_rt).
-export([main/0, main/1]).

now_ns() -> erlang:monotonic_time(nanosecond).

main() -> main([]).

main(Args) ->
    Scale = case Args of ["quick" | _] -> 10; _ -> 1 end, % or "full"
    Only = case Args of [_, O | _] -> O; _ -> "" end,
    Want = fun(Name) -> Only =:= "" orelse string:find(Only, Name) =/= nomatch end,
    case Want("spawn") of
        true -> io:format("spawn_exit_ns ~.1f~n", [spawn_exit(500000 div Scale)]);
        false -> ok
    end,
    case Want("pingpong") of
        true -> io:format("pingpong_rtt_ns ~.1f~n", [pingpong(2000000 div Scale)]);
        false -> ok
    end,
    lists:foreach(
      fun(K) ->
              case Want("senders_" ++ integer_to_list(K)) of
                  true -> io:format("senders_~b_msgs_per_s ~.1f~n",
                                    [K, senders(K, 8000000 div Scale)]);
                  false -> ok
              end
      end, [1, 2, 3, 4]),
    case Want("ring") of
        true -> io:format("ring_hop_ns ~.1f~n", [ring(10000, 200 div Scale)]);
        false -> ok
    end,
    case Want("monitor") of
        true -> io:format("monitor_demonitor_ns ~.1f~n", [monitor(2000000 div Scale)]);
        false -> ok
    end,
    case Want("p99") of
        true -> io:format("pingpong_p99_busy_us ~.2f~n", [p99(200000 div Scale, 2) / 1000]),
                io:format("busy_slice_us ~.2f~n", [busy_slice()]);
        false -> ok
    end.

%% ---- 1. spawn + exit: a process spawns N that return at once, then
%% waits until they are all gone.
spawn_exit(N) ->
    Self = self(),
    Base = erlang:system_info(process_count),
    spawn(fun() ->
                  T0 = now_ns(),
                  spawn_n(N),
                  wait_count(Base + 1),
                  Self ! {done, now_ns() - T0}
          end),
    receive {done, Dt} -> Dt / N end.

spawn_n(0) -> ok;
spawn_n(N) -> spawn(fun() -> ok end), spawn_n(N - 1).

wait_count(Base) ->
    case erlang:system_info(process_count) > Base of
        true -> erlang:yield(), wait_count(Base);
        false -> ok
    end.

%% ---- 2. ping-pong: each knows the other from the start.
pingpong(N) ->
    Self = self(),
    Pong = spawn(fun pong_wait/0),
    Ping = spawn(fun() ->
                         receive go -> ok end,
                         T0 = now_ns(),
                         ping_loop(Pong, N),
                         Self ! {done, now_ns() - T0}
                 end),
    Pong ! {hello, Ping},
    Ping ! go,
    receive {done, Dt} -> exit(Pong, kill), Dt / N end.

pong_wait() -> receive {hello, Ping} -> pong_loop(Ping) end.

pong_loop(Ping) -> receive ping -> Ping ! pong, pong_loop(Ping) end.

ping_loop(_, 0) -> ok;
ping_loop(Pong, N) -> Pong ! ping, receive pong -> ping_loop(Pong, N - 1) end.

%% ---- 3. K senders, one receiver, Total messages.
senders(K, Total) ->
    Self = self(),
    Recv = spawn(fun() -> receive {t0, T0} -> recv_loop(Total, T0, Self) end end),
    Per = Total div K,
    Counts = [Per + (if I =:= 1 -> Total - Per * K; true -> 0 end) || I <- lists:seq(1, K)],
    Senders = [spawn(fun() -> receive go -> send_loop(Recv, C) end end) || C <- Counts],
    T0 = now_ns(),
    Recv ! {t0, T0},
    [S ! go || S <- Senders],
    receive {done, Dt} -> Total / (Dt / 1.0e9) end.

recv_loop(0, T0, Parent) -> Parent ! {done, now_ns() - T0};
recv_loop(N, T0, Parent) -> receive _ -> recv_loop(N - 1, T0, Parent) end.

send_loop(_, 0) -> ok;
send_loop(R, N) -> R ! N, send_loop(R, N - 1).

%% ---- 4. a ring of N processes, Laps times around.
ring(N, Laps) ->
    Self = self(),
    Last = spawn(fun() -> receive {next, Next} -> ring_node(Next, Self) end end),
    First = lists:foldl(fun(_, Next) ->
                                spawn(fun() -> ring_node(Next, Self) end)
                        end, Last, lists:seq(1, N - 1)),
    Last ! {next, First},
    timer:sleep(200),
    Hops = N * Laps,
    T0 = now_ns(),
    First ! Hops,
    receive {done, _} -> (now_ns() - T0) / Hops end.

ring_node(Next, Parent) ->
    receive
        0 -> Parent ! {done, 0}, ring_node(Next, Parent);
        Left -> Next ! Left - 1, ring_node(Next, Parent)
    end.

%% ---- 5. monitor + demonitor of a live process.
monitor(N) ->
    Self = self(),
    Target = spawn(fun() -> receive stop -> ok end end),
    spawn(fun() ->
                  T0 = now_ns(),
                  mon_loop(Target, N),
                  Self ! {done, now_ns() - T0}
          end),
    receive {done, Dt} -> Target ! stop, Dt / N end.

mon_loop(_, 0) -> ok;
mon_loop(T, N) ->
    Ref = erlang:monitor(process, T),
    erlang:demonitor(Ref),
    mon_loop(T, N - 1).

%% ---- 6. ping-pong round-trip p99 while Busy loops run.
p99(N, Busy) ->
    Self = self(),
    Loops = [spawn(fun() -> busy(0) end) || _ <- lists:seq(1, Busy)],
    timer:sleep(50),
    Pong = spawn(fun pong_wait/0),
    Ping = spawn(fun() ->
                         receive go -> ok end,
                         Lat = lat_loop(Pong, N, now_ns(), []),
                         Self ! {lat, Lat}
                 end),
    Pong ! {hello, Ping},
    Ping ! go,
    receive {lat, Lat} ->
            [exit(L, kill) || L <- Loops],
            exit(Pong, kill),
            Sorted = lists:sort(Lat),
            lists:nth(trunc(N * 0.99) + 1, Sorted)
    end.

busy(X) -> busy(X + 1).

lat_loop(_, 0, _, Acc) -> Acc;
lat_loop(Pong, N, Last, Acc) ->
    Pong ! ping,
    receive pong -> Now = now_ns(), lat_loop(Pong, N - 1, Now, [Now - Last | Acc]) end.

%% How long one busy slice lasts: reductions a busy loop gets per second,
%% and the reductions of one slice (context_reductions).
busy_slice() ->
    P = spawn(fun() -> busy(0) end),
    {reductions, R0} = process_info(P, reductions),
    T0 = now_ns(),
    timer:sleep(200),
    {reductions, R1} = process_info(P, reductions),
    Dt = now_ns() - T0,
    exit(P, kill),
    erlang:system_info(context_reductions) * (Dt / 1000) / (R1 - R0).
