package epaprlab.cli;
