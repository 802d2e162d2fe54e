"""Where the GPU is: data, the four models on each stack, the timing loop, kernel provenance,
telemetry and the environment, written to the results file. Nothing here judges or renders."""
