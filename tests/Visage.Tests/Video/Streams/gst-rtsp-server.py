# An RTSP server for the tests, from GStreamer's RTSP server library (Debian: gir1.2-gst-rtsp-server-1.0).
# Serves an H.264 Matroska file at rtsp://127.0.0.1:PORT/PATH, in real time, from its start for every client,
# over TCP or UDP as the client asks; with --user and --password only to that account (Basic authentication);
# with --tls CERT_AND_KEY.pem as rtsps:// (RTSP over TLS).
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--path", default="/door")
parser.add_argument("--file", required=True)
parser.add_argument("--user")
parser.add_argument("--password")
parser.add_argument("--tls")
args = parser.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(str(args.port))

factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    '( filesrc location="%s" ! matroskademux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )'
    % args.file.replace('"', '\\"'))

if args.user or args.tls:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if args.user:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    else:
        auth.set_default_token(token)
    if args.tls:
        gi.require_version("Gio", "2.0")
        from gi.repository import Gio  # noqa: E402

        auth.set_tls_certificate(Gio.TlsCertificate.new_from_file(args.tls))
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
    permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
    factory.set_permissions(permissions)

server.get_mount_points().add_factory(args.path, factory)
if server.attach(None) == 0:
    sys.exit("cannot listen on 127.0.0.1:%d" % args.port)
print("listening on 127.0.0.1:%d" % args.port, flush=True)
GLib.MainLoop().run()
