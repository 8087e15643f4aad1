import { describe, expect, it } from "vitest";
import { commandsNeeded, createProgram } from "./program.js";

const ALL = ["record", "cat", "ls", "get", "restore", "download", "verify", "upload", "status", "abort", "cleanup", "demo"];

describe("commandsNeeded", () => {
  it("is the one command a command line names, after any program option", () => {
    expect(commandsNeeded(["cat", "dir", "--from", "5"])).toEqual(["cat"]);
    expect(commandsNeeded(["--debug", "upload", "dir", "file:///tmp/x.tar"])).toEqual(["upload"]);
    expect(commandsNeeded(["ls", "--help"])).toEqual(["ls"]);
  });

  it("is every command for the program's help, `help <command>`, a misspelt name or no command", () => {
    for (const args of [[], ["--help"], ["--version"], ["help", "cat"], ["catt", "dir"]]) expect(commandsNeeded(args)).toEqual(ALL);
  });
});

describe("createProgram", () => {
  it("defines only the command named, or all of them", async () => {
    expect((await createProgram(["verify", "dir"])).commands.map((c) => c.name())).toEqual(["verify"]);
    expect((await createProgram()).commands.map((c) => c.name())).toEqual(ALL);
  });
});
