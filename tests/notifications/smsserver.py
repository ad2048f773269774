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
        # What the provider accepted (SendSms answered OK): QuerySendDetails reads it.
        self.accepted: list[dict] = []
        # A worker killed inside the call: the request hangs before or after
        # the provider accepted it, until ``release`` is set.
        self.hang = ""  # "" | "before" | "after"
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                outer.requests.append(params)
                signature = params.pop("Signature", "")
                if signature != rpc_signature(params, outer.secret):
                    code, message = "SignatureDoesNotMatch", "Specified signature is not matched"
                elif params.get("Action") == "QuerySendDetails":
                    details = [
                        {"PhoneNum": a["PhoneNumbers"], "OutId": a.get("OutId", ""), "SendStatus": 3, "Content": a["TemplateParam"]}
                        for a in outer.accepted
                        if a["PhoneNumbers"] == params.get("PhoneNumber")
                    ]
                    body = {"Code": "OK", "Message": "OK", "TotalCount": len(details), "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}
                    self._reply(body)
                    return
                elif outer.hang == "before":
                    outer.release.wait(60)
                    return
                else:
                    failed = outer.reply_message.replace("{phone}", params.get("PhoneNumbers", ""))
                    code, message = outer.reply_code, "OK" if outer.reply_code == "OK" else failed
                if code == "OK" and params.get("Action") == "SendSms":
                    outer.accepted.append(params)
                    if outer.hang == "after":
                        outer.release.wait(60)
                        return
                self._reply({"Code": code, "Message": message, "RequestId": "test"})

            def _reply(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
