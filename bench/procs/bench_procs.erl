%% bench_procs.erl — the BEAM peer of bench_procs.c: the same figures,
%% measured the same way, printed as "name value" lines.
%% Run: erl -noshell +S N:N -pa DIR -run bench_procs main [quick|full [only]]
%%      -s init stop
-module(bench_procs).
-export([main/0, main/1]).

now_ns() -> erlang:monotonic_time(nanosecond).

main() -> main([]).

main(Args) ->
    Scale = case Args of ["quick" | _] -> 10; _ -> 1 end,
    Only = case Args of [_, O | _] -> O; _ -> "" end,
    Want = fun(Name) -> Only =:= "" orelse string:find(Only, Name) =/= nomatch end,
    case Want("spawn") of
        true -> io:format("spawn_first_ns ~.1f~n", [spawn_first(200000 div Scale)]);
        false -> ok
    end,
    case Want("pingpong") of
        true -> io:format("pingpong_rtt_ns ~.1f~n", [pingpong(1000000 div Scale)]);
        false -> ok
    end,
    case Want("ring") of
        true -> io:format("ring_hop_ns ~.1f~n", [ring(10000, 100 div Scale)]);
        false -> ok
    end,
    case Want("idle") of
        true -> io:format("idle_kib_per_proc ~.2f~n", [idle(100000)]);
        false -> ok
    end,
    case Want("p99") of
        true -> io:format("pingpong_p99_busy_us ~.2f~n",
                          [p99(50000 div Scale, 2) / 1000]);
        false -> ok
    end.

%% ---- 1. spawn -> first instruction: a process spawns N, each of which
%% sends it a message as its first act; per spawn, until all N are in.
spawn_first(N) ->
    Self = self(),
    spawn(fun() ->
                  %% the replies pile up while it spawns: keep them off the
                  %% heap, or every GC copies the queue (quadratic)
                  process_flag(message_queue_data, off_heap),
                  Me = self(),
                  T0 = now_ns(),
                  spawn_n(Me, N),
                  wait_n(N),
                  Self ! {done, now_ns() - T0}
          end),
    receive {done, Dt} -> Dt / N end.

spawn_n(_, 0) -> ok;
spawn_n(P, N) -> spawn(fun() -> P ! hi end), spawn_n(P, N - 1).

wait_n(0) -> ok;
wait_n(N) -> receive hi -> wait_n(N - 1) end.

%% ---- 2. ping-pong round trip.
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

%% ---- 3. a ring of N processes, Laps times around.
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

%% ---- 4. N idle processes (each said it is ready and waits): resident
%% memory of the OS process, per process.
rss() ->
    {ok, B} = file:read_file("/proc/self/statm"),
    [_, R | _] = string:lexemes(binary_to_list(B), " \n"),
    list_to_integer(R) * 4096.

idle(N) ->
    Self = self(),
    P0 = spawn(fun() -> Self ! ready, receive stop -> ok end end),
    receive ready -> ok end,
    timer:sleep(100),
    Before = rss(),
    Ps = [spawn(fun() -> Self ! ready, receive stop -> ok end end)
          || _ <- lists:seq(1, N)],
    wait_ready(N),
    timer:sleep(100),
    After = rss(),
    [P ! stop || P <- [P0 | Ps]],
    (After - Before) / 1024 / N.

wait_ready(0) -> ok;
wait_ready(N) -> receive ready -> wait_ready(N - 1) end.

%% ---- 5. ping-pong round-trip p99 while Busy loops run.
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
