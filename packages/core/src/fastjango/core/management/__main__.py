"""``python -m fastjango.core.management`` is ``fastjango-admin``."""

from fastjango.core.management import main

if __name__ == "__main__":
    main(prog_name="fastjango-admin")
