"""TLS for clients that insist on https: a local CA (trustme) and a server certificate.

The CA certificate is written to `<data dir>/ca.pem` so clients can trust it (`verify=ca.pem`);
the server's key and chain go beside it for uvicorn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme

HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class TlsFiles:
    ca_pem: Path
    cert_pem: Path  # server certificate chain
    key_pem: Path


def make_tls_files(directory: Path, hosts: tuple[str, ...] = HOSTS) -> TlsFiles:
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="Salesforce Emulator local CA")
    server = ca.issue_cert(*hosts)
    files = TlsFiles(
        directory / "ca.pem", directory / "server-cert.pem", directory / "server-key.pem"
    )
    ca.cert_pem.write_to_path(str(files.ca_pem))
    server.private_key_pem.write_to_path(str(files.key_pem))
    for index, blob in enumerate(server.cert_chain_pems):
        blob.write_to_path(str(files.cert_pem), append=index > 0)
    return files
