"""A real SMTP server for tests (aiosmtpd): optionally offering STARTTLS with a certificate made
for the test, and asking for a login; it keeps what it received, to show what was sent."""

import datetime
import ipaddress
import ssl
from email import message_from_bytes

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts and every login it saw."""

    def __init__(self, users=None):
        self.messages, self.logins, self.users = [], [], dict(users or {})

    async def handle_DATA(self, server, session, envelope):
        """Keep the message as sent and accept it."""
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        """Accept a login whose user and password are the ones given; note each attempt."""
        user = auth_data.login.decode()
        self.logins.append((user, session.ssl is not None))
        # handled=False: aiosmtpd answers a refusal itself (535), as a real server would.
        return AuthResult(
            success=self.users.get(user) == auth_data.password.decode(), handled=False
        )


def certificate(directory):
    """Write a self-signed certificate for 127.0.0.1 and its key; return (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def start_server(port, inbox, *, tls_files=None, implicit_tls=False):
    """Start an SMTP server on port: with tls_files (cert, key) it offers STARTTLS and refuses
    mail and logins without it, or with implicit_tls speaks TLS from the start (smtps://);
    with inbox.users it asks for a login. Return the controller."""
    options = {}
    if inbox.users:
        # aiosmtpd does not count implicit TLS as TLS for AUTH; STARTTLS it does.
        require = bool(tls_files) and not implicit_tls
        options.update(authenticator=inbox.authenticate, auth_require_tls=require)
    if tls_files:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls_files)
        tls = {"ssl_context": context} if implicit_tls else {"tls_context": context}
        options.update(tls, require_starttls=not implicit_tls)
    controller = Controller(inbox, hostname=HOST, port=port, **options)
    controller.start()
    return controller


def trust(monkeypatch, cert_path):
    """Make ssl.create_default_context trust the test's certificate, as a real CA's would be."""
    default = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: default(cafile=cert_path))
