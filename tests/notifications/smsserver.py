"""A local HTTP server speaking Alibaba Cloud SMS's SendSms protocol, to
exercise the real adapter (signature, parameters, error handling)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications.channels.sms import rpc_signature


class FakeAliyun:
    def __init__(self, secret: str, reply_code: str = "OK", reply_message: str = "触发天级流控"):
        self.secret = secret
        self.reply_code = reply_code
        # "{phone}" is replaced by the number asked for: providers echo it in some errors.
        self.reply_message = reply_message
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                outer.requests.append(params)
                signature = params.pop("Signature", "")
                if signature != rpc_signature(params, outer.secret):
                    code, message = "SignatureDoesNotMatch", "Specified signature is not matched"
                else:
                    failed = outer.reply_message.replace("{phone}", params.get("PhoneNumbers", ""))
                    code, message = outer.reply_code, "OK" if outer.reply_code == "OK" else failed
                body = json.dumps({"Code": code, "Message": message, "RequestId": "test"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
