#pragma once
// The H.225.0 and H.245 messages of recorded H.323 calls (pcap/pcapng), for tests, fuzz
// corpora and cross-checks: TCP streams on port 1720 are split into TPKT frames (H.225.0),
// tunnelled H.245 (h245Control) and fast-start proposals (fastStart) are taken from the
// decoded H.225.0 messages, and separate H.245 connections are found through the h245Address
// the messages announce.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::signaling::h323::testing {

struct CapturedPdu {
  std::string origin;  // "call2.pcap 127.0.0.1:34854>1720 #0", for messages in test output
  std::vector<uint8_t> bytes;
};

struct CapturedCall {
  std::string file;
  std::vector<CapturedPdu> q931;        // TPKT payloads on the call signalling connection
  std::vector<CapturedPdu> h245;        // MultimediaSystemControlMessage encodings
  std::vector<CapturedPdu> fast_start;  // OpenLogicalChannel encodings from fastStart
  std::vector<std::string> problems;    // what could not be extracted (broken framing, ...)
};

// The folder of the reference captures: SharedDir()/h323/captures.
std::filesystem::path CaptureDir();

// Every *.pcap / *.pcapng in `dir`, sorted by name; empty if the folder does not exist.
std::vector<std::filesystem::path> CaptureFiles(const std::filesystem::path& dir);

// Extracts one capture. Messages whose PER does not decode are still listed (with a problem
// noted) so that a test can report them.
CapturedCall ExtractCall(const std::filesystem::path& file);

}  // namespace tessera::signaling::h323::testing
