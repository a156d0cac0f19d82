"""Fixed identities of the embedded Trello sandbox: sandbox-only values, not secrets."""

API_KEY = "5a4db0c0ffee5a4db0c0ffee5a4db0c0"
API_TOKEN = "ATTAsandbox0token0for0local0use0only0not0a0secret0000000000000001"
API_SECRET = "sandbox-webhook-secret-not-a-secret"
BOARD_ID = "5a4db0a4d0000000000000b1"
BOARD_NAME = "UnMentoring (sandbox)"
BOARD_SHORT_LINK = "Sbx0UnMt"

# Members of the sandbox board, one per role the Power-Up must tell apart.
ADMIN_MEMBER_ID = "5a4db0a4d000000000000a01"
NORMAL_MEMBER_ID = "5a4db0a4d000000000000a02"
OBSERVER_MEMBER_ID = "5a4db0a4d000000000000a03"
OUTSIDER_MEMBER_ID = "5a4db0a4d000000000000a04"
POWERUP_ID = "5a4db0a4d00000000000c0de"

DEFAULT_PORT = 5001

# (full name, username) of each sandbox member, for memberCreator and the board page.
MEMBERS = {
    ADMIN_MEMBER_ID: ("Ada Organiser", "adaorganiser"),
    NORMAL_MEMBER_ID: ("Nia Volunteer", "niavolunteer"),
    OBSERVER_MEMBER_ID: ("Oscar Observer", "oscarobserver"),
    OUTSIDER_MEMBER_ID: ("Olu Outsider", "oluoutsider"),
}
BOARD_ROLES = {
    ADMIN_MEMBER_ID: "admin",
    NORMAL_MEMBER_ID: "normal",
    OBSERVER_MEMBER_ID: "observer",
}
# A new Trello board comes with one unnamed label in each of these colours.
DEFAULT_LABEL_COLORS = ("green", "yellow", "orange", "red", "purple", "blue")
# The workspace (Trello's "organization") the sandbox board belongs to, as the recorded boards
# from 2020 on each belong to one.
WORKSPACE_ID = "5a4db0a4d00000000000a0a0"
