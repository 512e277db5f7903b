// Certificates for TLS tests, made with the openssl command line tool: a
// test CA and server certificates it signs for given names. Nothing here is
// trusted by the system store, so a client that does not load the test CA
// must refuse these certificates.
//
// Thread-safety: plain functions; each writes only into the given directory.
#pragma once

#include <string>

namespace citynexus::testing {

// Whether the openssl CLI can be run (tests WARN and skip without it).
bool HaveOpenssl();

// A self-signed CA in `dir`: ca.pem and ca.key. REQUIREs success.
void MakeTestCa(const std::string& dir);

// A server certificate signed by the CA in `dir` (MakeTestCa first):
// <name>.pem and <name>.key, subject CN=<name> and
// subjectAltName `san` (e.g. "DNS:localhost,IP:127.0.0.1"). REQUIREs
// success.
void MakeTestServerCert(const std::string& dir, const std::string& name,
                        const std::string& san);

}  // namespace citynexus::testing
