"""A port's land-side equipment: the register of its machines and their activity logs (see :mod:`.types`)."""
