%% Erlang/OTP's asn1 (compiled with the same module files, option per) as an independent
%% aligned-PER implementation for Tessera's tests.
%%
%%   check(In, Out): each line of In is "<TypeName> <hex>"; decodes it and re-encodes the
%%     value, writing "ok <hex>" or "error <reason>" per line to Out.
%%   samples(Seed, PerAlternative, Out): random values (asn1ct:value) of every alternative of
%%     the top-level PDUs, encoded, as "<TypeName> <alternative> <hex>" lines.
-module(tessera_asn1_check).
-export([check/2, samples/3, main/1]).

module_of('H323-UserInformation') -> 'H323-MESSAGES';
module_of('RasMessage') -> 'H323-MESSAGES';
module_of('H323-UU-PDU') -> 'H323-MESSAGES';
module_of(_) -> 'MULTIMEDIA-SYSTEM-CONTROL'.

%% erl -noshell -pa <beams> -run tessera_asn1_check main check <in> <out>
%% erl -noshell -pa <beams> -run tessera_asn1_check main samples <seed> <per-alternative> <out>
main(["check", In, Out]) -> check(In, Out), halt(0);
main(["samples", Seed, K, Out]) -> samples(list_to_integer(Seed), list_to_integer(K), Out), halt(0).

check(In, Out) ->
    {ok, Data} = file:read_file(In),
    Lines = [L || L <- binary:split(Data, <<"\n">>, [global]), L =/= <<>>],
    Results = [check_line(L) || L <- Lines],
    ok = file:write_file(Out, Results).

check_line(Line) ->
    [TypeBin, Hex] = binary:split(Line, <<" ">>),
    Type = binary_to_atom(TypeBin),
    Mod = module_of(Type),
    try
        Bytes = binary:decode_hex(Hex),
        {ok, Value} = Mod:decode(Type, Bytes),
        {ok, Again} = Mod:encode(Type, Value),
        [<<"ok ">>, binary:encode_hex(Again), <<"\n">>]
    catch
        Class:Reason ->
            Text = io_lib:format("~p:~0P", [Class, Reason, 12]),
            [<<"error ">>, unicode:characters_to_binary(Text), <<"\n">>]
    end.

%% The CHOICEs whose alternatives are the PDUs, and how a value of one becomes a complete PDU.
roots() ->
    [{'H323-UU-PDU', 'H323-UserInformation',
      fun(Pdu) -> {'H323-UserInformation', Pdu, asn1_NOVALUE} end,
      fun(Pdu) -> element(1, element(2, Pdu)) end},
     {'RasMessage', 'RasMessage', fun(V) -> V end, fun(V) -> element(1, V) end},
     {'RequestMessage', 'MultimediaSystemControlMessage', fun(V) -> {request, V} end, fun(V) -> element(1, V) end},
     {'ResponseMessage', 'MultimediaSystemControlMessage', fun(V) -> {response, V} end, fun(V) -> element(1, V) end},
     {'CommandMessage', 'MultimediaSystemControlMessage', fun(V) -> {command, V} end, fun(V) -> element(1, V) end},
     {'IndicationMessage', 'MultimediaSystemControlMessage', fun(V) -> {indication, V} end,
      fun(V) -> element(1, V) end},
     {'OpenLogicalChannel', 'OpenLogicalChannel', fun(V) -> V end, fun(_) -> openLogicalChannel end}].

samples(Seed, PerAlternative, Out) ->
    rand:seed(exsss, {Seed, Seed * 7 + 1, Seed * 13 + 5}),
    Lines = lists:append([root_samples(R, PerAlternative) || R <- roots()]),
    ok = file:write_file(Out, Lines).

%% Draws 30 random values of the root CHOICE and keeps up to PerAlternative encodable samples
%% of each alternative met (30 draws keep the test within seconds; the seed varies the set). asn1ct:value follows
%% recursive types (H.245 DataType) without a depth limit, so each draw gets a time limit;
%% draws that hit it do not count, up to 120 attempts, so a busy machine (whose draws time
%% out more often) still gets samples of every root.
root_samples({Choice, Pdu, Wrap, AltOf}, PerAlternative) ->
    Mod = module_of(Pdu),
    Draw = fun Loop(0, _, Acc) -> Acc;
               Loop(_, 0, Acc) -> Acc;
               Loop(N, Attempts, Acc) ->
                   case bounded_value(Mod, Choice) of
                       timeout -> Loop(N, Attempts - 1, Acc);
                       V ->
                           Alt = AltOf(V),
                           Have = maps:get(Alt, Acc, []),
                           case length(Have) < PerAlternative andalso encode(Mod, Pdu, Wrap(V)) of
                               {ok, Bytes} -> Loop(N - 1, Attempts - 1, Acc#{Alt => [Bytes | Have]});
                               _ -> Loop(N - 1, Attempts - 1, Acc)
                           end
                   end
           end,
    Found = Draw(30, 120, #{}),
    [[atom_to_binary(Pdu), <<" ">>, atom_to_binary(Alt), <<" ">>, binary:encode_hex(B), <<"\n">>]
     || {Alt, Bs} <- lists:sort(maps:to_list(Found)), B <- lists:reverse(Bs)].

bounded_value(Mod, Type) ->
    Self = self(),
    Seed = rand:uniform(1 bsl 40),
    Pid = spawn(fun() -> rand:seed(exsss, Seed), {ok, V} = asn1ct:value(Mod, Type), Self ! {value, self(), V} end),
    receive {value, Pid, V} -> V
    after 250 -> exit(Pid, kill), timeout
    end.

%% Encodings small enough to keep as test data.
encode(Mod, Pdu, Value) ->
    try Mod:encode(Pdu, Value) of
        {ok, Bytes} when byte_size(Bytes) =< 1500 -> {ok, Bytes};
        _ -> too_large
    catch _:_ -> failed
    end.
