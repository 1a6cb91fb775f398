// The control API's request bodies: every rejection names the field and what was
// expected; valid bodies come out as the core's request types.
#include "tessera/signaling/api/json_request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tessera::signaling::api {
namespace {

using ::testing::HasSubstr;

FieldError RoomError(std::string_view body, bool create = true) {
  auto r = ParseRoomRequest(body, create);
  EXPECT_FALSE(r) << body;
  return r ? FieldError{} : r.error();
}

TEST(JsonRequest, ACompleteRoomIsParsed) {
  auto r = ParseRoomRequest(
      R"({"id":"board","name":"Board room","aliases":["b","42"],"pin":"1234","locked":true,"layout":"3x3",)"
      R"("rungs":["720p"],"max_participants":12})",
      true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, "board");
  EXPECT_EQ(*r->name, "Board room");
  EXPECT_EQ(*r->aliases, (std::vector<std::string>{"b", "42"}));
  EXPECT_EQ(*r->pin, "1234");
  EXPECT_TRUE(*r->locked);
  EXPECT_EQ(*r->layout, "3x3");
  EXPECT_EQ(*r->rungs, std::vector<std::string>{"720p"});
  EXPECT_EQ(*r->max_participants, 12);
}

TEST(JsonRequest, InvalidJsonSaysWhere) {
  const FieldError e = RoomError(R"({"id": "x",)");
  EXPECT_EQ(e.field, "");
  EXPECT_THAT(e.message, HasSubstr("invalid JSON at byte"));
  EXPECT_THAT(RoomError("[1,2]").message, HasSubstr("must be a JSON object, got an array"));
  EXPECT_THAT(RoomError("").message, HasSubstr("invalid JSON"));
}

TEST(JsonRequest, ANumberTooLargeForADoubleIsInvalidJsonNotACrash) {
  // Found by api_request_fuzzer: nlohmann reports this as out_of_range, not parse_error.
  auto r = ParseBroadcastRequest(std::string("{\"kind\":1111111111e1111111111\"h\0e\0\0\0004in\"}", 41));
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("invalid JSON"));
  EXPECT_THAT(RoomError(R"({"id":"x","max_participants":1e400})").message, HasSubstr("invalid JSON"));
}

TEST(JsonRequest, UnknownFieldsAreNamedWithTheKnownOnes) {
  const FieldError e = RoomError(R"({"id":"x","lockd":true})");
  EXPECT_EQ(e.field, "lockd");
  EXPECT_THAT(e.expected, HasSubstr("locked"));
  EXPECT_THAT(e.message, HasSubstr("unknown field \"lockd\""));
}

TEST(JsonRequest, WrongTypesAreNamed) {
  FieldError e = RoomError(R"({"id":"x","locked":"yes"})");
  EXPECT_EQ(e.field, "locked");
  EXPECT_EQ(e.expected, "true or false");
  EXPECT_THAT(e.message, HasSubstr("got a string"));
  e = RoomError(R"({"id":"x","max_participants":1.5})");
  EXPECT_EQ(e.field, "max_participants");
  EXPECT_THAT(e.message, HasSubstr("got a number"));
  e = RoomError(R"({"id":"x","aliases":["ok", 5]})");
  EXPECT_EQ(e.field, "aliases[1]");
}

TEST(JsonRequest, OutOfRangeValuesAreRefusedWithoutWrapping) {
  for (const char* v : {"0", "100001", "-1", "18446744073709551615", "4294967297", "-9223372036854775808"}) {
    const FieldError e = RoomError(std::string(R"({"id":"x","max_participants":)") + v + "}");
    EXPECT_EQ(e.field, "max_participants") << v;
    EXPECT_EQ(e.expected, "an integer from 1 to 100000") << v;
  }
  EXPECT_EQ(RoomError(R"({"id":"x","pin":"12"})").field, "pin");
  EXPECT_EQ(RoomError(R"({"id":"x","pin":"12ab"})").field, "pin");
}

TEST(JsonRequest, RoomIdsThatCouldEscapeAPathAreRefused) {
  for (const char* id : {"..", ".hidden", "a/b", "", "a b", "x%2f"}) {
    const FieldError e = RoomError(std::string(R"({"id":")") + id + "\"}");
    EXPECT_EQ(e.field, "id") << id;
  }
  EXPECT_EQ(RoomError("{}").message, "id is required");
}

TEST(JsonRequest, AnUpdateMustChangeSomethingAndNeedsNoId) {
  EXPECT_TRUE(ParseRoomRequest(R"({"locked":false})", false));
  EXPECT_EQ(RoomError("{}", false).message, "the body changes nothing");
  EXPECT_EQ(RoomError(R"({"id":"x"})", false).field, "id");  // not a field of an update
}

TEST(JsonRequest, DeepNestingIsRefusedBeforeItIsBuilt) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto r = ParseRoomRequest(deep, true);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("nested deeper"));
}

TEST(JsonRequest, ParticipantPatchesCarryOnlyWhatIsSet) {
  auto p = ParseParticipantPatch(R"({"audio_muted":true,"pin":2})");
  ASSERT_TRUE(p);
  EXPECT_TRUE(*p->audio_muted);
  EXPECT_FALSE(p->video_muted);
  EXPECT_EQ(*p->pin, 2);
  EXPECT_FALSE(ParseParticipantPatch("{}"));
  EXPECT_EQ(ParseParticipantPatch(R"({"pin":257})").error().field, "pin");
  EXPECT_EQ(ParseParticipantPatch(R"({"display_name":""})").error().field, "display_name");
}

TEST(JsonRequest, BroadcastsNeedAUrlOfTheirKindAndAKnownHeight) {
  auto rtmp = ParseBroadcastRequest(R"({"kind":"rtmp","target":"rtmps://live.example/app/key","height":1080})");
  ASSERT_TRUE(rtmp);
  EXPECT_EQ(rtmp->kind, mcu::StreamRequest::Kind::kRtmp);
  EXPECT_EQ(rtmp->height, 1080);
  auto hls = ParseBroadcastRequest(R"({"kind":"hls","target":"main"})");
  ASSERT_TRUE(hls);
  EXPECT_EQ(hls->height, 720);  // the default
  EXPECT_EQ(ParseBroadcastRequest(R"({"kind":"srt","target":"rtmp://x"})").error().field, "target");
  EXPECT_EQ(ParseBroadcastRequest(R"({"kind":"hls","target":"../x"})").error().field, "target");
  EXPECT_EQ(ParseBroadcastRequest(R"({"kind":"rtmp","target":"rtmp://x y"})").error().field, "target");
  EXPECT_EQ(ParseBroadcastRequest(R"({"kind":"ftp","target":"x"})").error().field, "kind");
  const FieldError h = ParseBroadcastRequest(R"({"kind":"hls","target":"x","height":480})").error();
  EXPECT_EQ(h.field, "height");
  EXPECT_EQ(h.expected, "360, 720 or 1080");
}

TEST(JsonRequest, RecordingNamesStayInsideTheirFolder) {
  auto r = ParseRecordingRequest(R"({"name":"weekly-2024.mp4"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, mcu::StreamRequest::Kind::kRecording);
  EXPECT_EQ(r->target, "weekly-2024.mp4");
  for (const char* bad : {"../../etc/passwd", "/abs", ".", "..", "a\\\\b", ""})
    EXPECT_EQ(ParseRecordingRequest(std::string(R"({"name":")") + bad + "\"}").error().field, "name") << bad;
}

TEST(JsonRequest, DialNeedsASipOrH323Uri) {
  EXPECT_EQ(*ParseDialRequest(R"({"uri":"sip:room@192.0.2.7"})"), "sip:room@192.0.2.7");
  EXPECT_EQ(*ParseDialRequest(R"({"uri":"h323:room@192.0.2.7;h245=separate"})"),
            "h323:room@192.0.2.7;h245=separate");
  EXPECT_EQ(ParseDialRequest(R"({"uri":"tel:+15550100"})").error().field, "uri");
  EXPECT_EQ(ParseDialRequest(R"({"uri":"tel:+15550100"})").error().expected, "a sip:, sips: or h323: URI");
  EXPECT_EQ(ParseDialRequest(R"({"uri":"sip:a b"})").error().field, "uri");
  EXPECT_EQ(ParseDialRequest(R"({})").error().message, "uri is required");
}

}  // namespace
}  // namespace tessera::signaling::api

namespace tessera::signaling::api {
namespace {

FieldError LayoutError(std::string_view body) {
  auto r = ParseLayoutRequest(body);
  EXPECT_FALSE(r) << body;
  return r ? FieldError{} : r.error();
}

TEST(JsonLayoutRequest, ALayoutIsANameOrTilesInTheConfigSchema) {
  auto named = ParseLayoutRequest(R"({"layout":"1+5"})");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->name, "1+5");
  EXPECT_FALSE(named->custom);

  auto custom = ParseLayoutRequest(
      R"({"layout":{"allow_overlap":true,"tiles":[{"x":0,"y":0,"width":1,"height":1,"role":"active-speaker"},)"
      R"({"x":0.75,"y":0.75,"width":0.25,"height":0.25,"z":1,"border":2,"fit":"crop","role":"pinned","slot":1}]}})");
  ASSERT_TRUE(custom) << custom.error().message;
  ASSERT_TRUE(custom->custom);
  EXPECT_TRUE(custom->custom->allow_overlap);
  ASSERT_EQ(custom->custom->tiles.size(), 2u);
  EXPECT_EQ(custom->custom->tiles[0], (mcu::CustomTile{0, 0, 1, 1, 0, "active-speaker", 0, 0, "letterbox"}));
  EXPECT_EQ(custom->custom->tiles[1], (mcu::CustomTile{0.75, 0.75, 0.25, 0.25, 1, "pinned", 1, 2, "crop"}));
}

TEST(JsonLayoutRequest, ErrorsNameTheTileAndTheField) {
  EXPECT_EQ(LayoutError(R"({})").field, "layout");
  EXPECT_EQ(LayoutError(R"({"layout":3})").field, "layout");
  EXPECT_EQ(LayoutError(R"({"layout":"3x3","size":1})").field, "size");
  EXPECT_EQ(LayoutError(R"({"layout":{"tiles":[]}})").field, "layout.tiles");
  EXPECT_EQ(LayoutError(R"({"layout":{"tiles":[1]}})").field, "layout.tiles[0]");
  EXPECT_EQ(LayoutError(R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1}],"grid":2}})").field, "layout.grid");
  const FieldError missing = LayoutError(R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1},{"x":0}]}})");
  EXPECT_EQ(missing.field, "layout.tiles[1].y");
  EXPECT_THAT(missing.message, HasSubstr("y is required"));
  const FieldError range = LayoutError(R"({"layout":{"tiles":[{"x":0,"y":0,"width":1.5,"height":1}]}})");
  EXPECT_EQ(range.field, "layout.tiles[0].width");
  EXPECT_THAT(range.expected, HasSubstr("a number from 0 to 1"));
  EXPECT_EQ(LayoutError(R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1,"z":"top"}]}})").field,
            "layout.tiles[0].z");
  EXPECT_EQ(LayoutError(R"({"layout":{"tiles":[{"x":0,"y":0,"width":1,"height":1,"colour":1}]}})").field,
            "layout.tiles[0].colour");
}

}  // namespace
}  // namespace tessera::signaling::api
