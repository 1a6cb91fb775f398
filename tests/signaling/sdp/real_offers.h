#pragma once
// Offers captured from real endpoints on loopback (see /work/shared/peers/README.md for how
// each was driven), and two vendor-style offers written after published room-system
// traces. Line ends are "\n"; ParseSdp takes both.

namespace tessera::signaling::sdp::testing {

// baresip 1.0.0 calling with opus/G722/PCMU/PCMA + H.264 (mode 0 and 1), H263, MP4V-ES, H265.
inline constexpr const char kBaresipOffer[] = R"(v=0
o=- 197853896 414322715 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
a=tool:baresip 1.0.0
m=audio 10014 RTP/AVP 96 9 0 8 101
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=32000
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
a=label:1
a=rtcp-rsize
a=ssrc:678476212 cname:sip:alice@127.0.0.1:5160
a=minptime:20
a=ptime:20
m=video 10010 RTP/AVP 96 97 34 98 99
a=rtpmap:96 H264/90000
a=fmtp:96 packetization-mode=0;profile-level-id=42e01f
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1;profile-level-id=42e01f
a=rtpmap:34 H263/90000
a=fmtp:34 CIF=1;CIF4=1
a=rtpmap:98 MP4V-ES/90000
a=fmtp:98 profile-level-id=3
a=rtpmap:99 H265/90000
a=fmtp:99 profile-id=1
a=sendrecv
a=label:2
a=rtcp-rsize
a=ssrc:2768324089 cname:sip:alice@127.0.0.1:5160
a=framerate:25.00
a=rtcp-fb:* nack pli
a=content:main
)";

// baresip 1.0.0 with mediaenc=srtp-mandf, rtcp_mux yes, vp8 and srtp modules: RTP/SAVPF
// with SDES keys.
inline constexpr const char kBaresipSrtpOffer[] = R"(v=0
o=- 2989133987 385091462 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
a=tool:baresip 1.0.0
m=audio 10396 RTP/SAVPF 0 8 9 96 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:9 G722/8000
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
a=label:1
a=rtcp-rsize
a=ssrc:3547913600 cname:sip:alice@127.0.0.1
a=rtcp-mux
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:SeO2jtYSQrU8voCYY4DqqgB/FCN4/njWWB6vzidq
a=minptime:20
a=ptime:20
m=video 10310 RTP/SAVPF 96 97 34 98 99 100
a=rtpmap:96 H264/90000
a=fmtp:96 packetization-mode=0;profile-level-id=42e01f
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1;profile-level-id=42e01f
a=rtpmap:34 H263/90000
a=fmtp:34 CIF=1;CIF4=1
a=rtpmap:98 MP4V-ES/90000
a=fmtp:98 profile-level-id=3
a=rtpmap:99 H265/90000
a=fmtp:99 profile-id=1
a=rtpmap:100 VP8/90000
a=fmtp:100 max-fs=3600
a=sendrecv
a=label:2
a=rtcp-rsize
a=ssrc:574567929 cname:sip:alice@127.0.0.1
a=rtcp-mux
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:379eW4e0mlsTm10qYnZgGjFhQvcikmM609rA5TdX
a=framerate:25.00
a=rtcp-fb:* nack pli
a=content:main
)";

// linphonec 5.1.65: opus + telephone-event/48000, H.264 without packetization-mode.
inline constexpr const char kLinphoneOffer[] = R"(v=0
o=lin1 4060 86 IN IP4 127.0.0.1
s=Talk
c=IN IP4 127.0.0.1
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 17178 RTP/AVP 96 97
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 telephone-event/48000
a=rtcp-fb:* trr-int 5000
a=rtcp-fb:* ccm tmmbr
m=video 19178 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 profile-level-id=42801F
a=rtcp-fb:* trr-int 5000
a=rtcp-fb:* ccm tmmbr
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
)";

// ffmpeg 5.1 "-f rtp ... -sdp_file": video first, b=AS, H.264 without profile-level-id.
inline constexpr const char kFfmpegOffer[] = R"(v=0
o=- 0 0 IN IP4 127.0.0.1
s=No Name
t=0 0
a=tool:libavformat LIBAVFORMAT_VERSION
m=video 41002 RTP/AVP 96
c=IN IP4 127.0.0.1
b=AS:800
a=rtpmap:96 H264/90000
a=fmtp:96 packetization-mode=1
m=audio 41000 RTP/AVP 111
c=IN IP4 127.0.0.1
b=AS:64
a=rtpmap:111 opus/48000/2
a=fmtp:111 sprop-stereo=1
)";

// ffmpeg 5.1 with G.722 (static payload type 9, no rtpmap line).
inline constexpr const char kFfmpegG722Offer[] = R"(v=0
o=- 0 0 IN IP4 127.0.0.1
s=No Name
c=IN IP4 127.0.0.1
t=0 0
a=tool:libavformat LIBAVFORMAT_VERSION
m=audio 41004 RTP/AVP 9
b=AS:128
)";

// SIPp 3.6.1 scenario uac_pcmu_h264.xml (/work/shared/peers/sipp) as sent on loopback.
inline constexpr const char kSippOffer[] = R"(v=0
o=sipp 53655765 2353687637 IN IP4 127.0.0.1
s=sipp
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=ptime:20
a=sendrecv
m=video 6002 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 profile-level-id=42e01f;packetization-mode=1
a=sendrecv
)";

// Vendor style (Poly Group Series traces): wideband codecs Tessera lacks first, H.264 High
// and baseline with max-mbps/max-fs, H.263-1998 with CUSTOM sizes, b=TIAS, BFCP and a
// second m=video for content (a=content:slides).
inline constexpr const char kPolyStyleOffer[] = R"(v=0
o=GroupSeries 1708465240 0 IN IP4 192.0.2.50
s=-
c=IN IP4 192.0.2.50
b=AS:2048
t=0 0
m=audio 49152 RTP/AVP 115 102 9 15 0 8 18 101
a=rtpmap:115 G7221/32000
a=fmtp:115 bitrate=48000
a=rtpmap:102 G7221/16000
a=fmtp:102 bitrate=32000
a=rtpmap:9 G722/8000
a=rtpmap:15 G728/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
m=video 49154 RTP/AVP 109 110 111 96 34 31
b=TIAS:1920000
a=rtpmap:109 H264/90000
a=fmtp:109 profile-level-id=640020; max-mbps=245000; max-fs=8160; packetization-mode=1
a=rtpmap:110 H264/90000
a=fmtp:110 profile-level-id=428020; max-mbps=245000; max-fs=8160; packetization-mode=1
a=rtpmap:111 H264/90000
a=fmtp:111 profile-level-id=428020; max-mbps=245000; max-fs=8160
a=rtpmap:96 H263-1998/90000
a=fmtp:96 CIF4=1;CIF=1;QCIF=1;SQCIF=1;CUSTOM=352,240,1;CUSTOM=704,480,1;CUSTOM=1024,768,1
a=rtpmap:34 H263/90000
a=fmtp:34 CIF4=1;CIF=1;QCIF=1;SQCIF=1
a=rtpmap:31 H261/90000
a=fmtp:31 CIF=1;QCIF=1
a=rtcp-fb:* ccm fir
a=rtcp-fb:* ccm tmmbr
a=sendrecv
a=content:main
a=label:1
m=application 49156 TCP/BFCP *
a=floorctrl:c-s
a=confid:1
a=userid:1
a=floorid:2 mstrm:3
a=setup:actpass
a=connection:new
m=video 49158 RTP/AVP 109 96 34
b=TIAS:1920000
a=rtpmap:109 H264/90000
a=fmtp:109 profile-level-id=428020; max-mbps=245000; max-fs=8160; packetization-mode=1
a=rtpmap:96 H263-1998/90000
a=fmtp:96 CIF=1;QCIF=1
a=rtpmap:34 H263/90000
a=fmtp:34 CIF=1;QCIF=1
a=sendrecv
a=content:slides
a=label:3
)";

// Vendor style (Cisco TelePresence CE traces): SAVP with two SDES suites, AAC-LD first,
// H.264 level 2.2 raised to 1080p by max-fs/max-mbps, lowercase H.263 parameters.
inline constexpr const char kCiscoStyleOffer[] = R"(v=0
o=tandberg 0 1 IN IP4 198.51.100.20
s=-
c=IN IP4 198.51.100.20
b=AS:6000
t=0 0
m=audio 2326 RTP/SAVP 108 9 8 0 102
b=TIAS:64000
a=rtpmap:108 MP4A-LATM/90000
a=fmtp:108 profile-level-id=24;object=23;bitrate=64000
a=rtpmap:9 G722/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:102 telephone-event/8000
a=fmtp:102 0-15
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:4
a=sendrecv
m=video 2328 RTP/SAVP 97 98 99 34
b=TIAS:6000000
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42e016;max-mbps=489600;max-fs=32400;max-smbps=489600;packetization-mode=1
a=rtpmap:98 H264/90000
a=fmtp:98 profile-level-id=42e016;max-mbps=489600;max-fs=32400;max-smbps=489600
a=rtpmap:99 H263-1998/90000
a=fmtp:99 custom=1280,720,2;custom=1024,768,1;cif4=1;cif=1;qcif=1;maxbr=20000
a=rtpmap:34 H263/90000
a=fmtp:34 cif=1;qcif=1;maxbr=20000
a=rtcp-fb:* nack pli
a=rtcp-fb:* ccm fir
a=rtcp-fb:* ccm tmmbr
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:vnG1JNbCoQhJvIsGB7uUTdnIPjqxCm3kbDsZLrtu|2^20|1:4
a=sendrecv
a=content:main
a=label:11
)";

}  // namespace tessera::signaling::sdp::testing
