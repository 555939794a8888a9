"""`python -m sim.app`: serve the classroom app (see sim.app.main)."""

from sim.app.main import main

if __name__ == "__main__":
    main()
