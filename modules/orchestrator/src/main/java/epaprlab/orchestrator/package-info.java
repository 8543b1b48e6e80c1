package epaprlab.orchestrator;
