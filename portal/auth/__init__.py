"""Sign-in, sessions, and the role/permission rules every area uses."""
