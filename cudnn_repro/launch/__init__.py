"""Where a run is started: the Docker engine and the pinned image (docker-py), and Slurm job
arrays (submitit). Reads the results a run wrote; decides nothing about the claims."""
