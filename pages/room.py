"""Room view (`/room?r=<room token>`): what the projector shows; no facilitator power."""

from partnership_ui import bootstrap
from partnership_ui.views.room import render_room_page

bootstrap("room")
render_room_page()
