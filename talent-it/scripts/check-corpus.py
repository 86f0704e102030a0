#!/usr/bin/env python3
"""Checks the migration test corpus without talent: plain builds must agree on every ISA.

For every program in src/test/resources/corpus/corpus.json:
  1. build it with plain gcc / cross gcc for x86_64, aarch64, s390x, riscv64, i686
     (-O2 -static -ffp-contract=off -fsigned-char, -msse2 -mfpmath=sse on i686, -l<libs>),
     run it (natively on x86_64, under qemu-<arch>-static otherwise, qemu-i386-static for i686) with the
     manifest's arguments and input files, and require stdout, exit status and every output file to be
     byte-identical to the x86_64 run, and the exit status to equal the manifest's exitCode;
  2. build it natively with -fsanitize=undefined,address and require a clean run with the same output;
  3. count the checkpoint-site visits of an uninterrupted run: a copy of the source is instrumented the
     way docs/CODEGEN.md places sites (head of every for/while/do body, entry of every function on a cycle
     of direct calls, `#pragma talent checkpoint`, none inside what `#pragma talent nocheckpoint` precedes),
     using clang's JSON AST for the loop bodies and the call graph;
     the count must equal the manifest's siteVisits, and every stop-after chain of the manifest must stop
     before the end of the run (sum of its values <= siteVisits; = stops at the very last site).

Usage: scripts/check-corpus.py [--valgrind] [PROGRAM...]      (exit status 0 only if everything agrees)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "src", "test", "resources", "corpus")

ISAS = {
    # isa: (compiler, extra flags, emulator or None for native)
    "x86_64": ("gcc", [], None),
    "aarch64": ("aarch64-linux-gnu-gcc", [], "qemu-aarch64-static"),
    "s390x": ("s390x-linux-gnu-gcc", [], "qemu-s390x-static"),
    "riscv64": ("riscv64-linux-gnu-gcc", [], "qemu-riscv64-static"),
    "i686": ("i686-linux-gnu-gcc", ["-msse2", "-mfpmath=sse"], "qemu-i386-static"),
}
COMMON_FLAGS = ["-std=c99", "-O2", "-static", "-ffp-contract=off", "-fsigned-char", "-Wno-unknown-pragmas"]


def run(cmd, cwd=None, timeout=60):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout)


def prepare_workdir(program, root, label):
    work = os.path.join(root, label)
    os.makedirs(work)
    for name, resource in program.get("inputs", {}).items():
        shutil.copy(os.path.join(CORPUS, resource), os.path.join(work, name))
    return work


def execute(program, binary, emulator, root, label, prefix=()):
    work = prepare_workdir(program, root, label)
    cmd = list(prefix) + ([emulator] if emulator else []) + [binary] + program.get("args", [])
    result = run(cmd, cwd=work)
    files = {}
    for name in program.get("outputs", []):
        path = os.path.join(work, name)
        files[name] = open(path, "rb").read() if os.path.exists(path) else None
    return result, files


def sources(program):
    return [os.path.join(CORPUS, s) for s in program["sources"]]


def libs(program):
    return ["-l" + lib for lib in program.get("libs", [])]


# ---------------------------------------------------------------- site-visit counting


def loop_bodies(source, ast):
    """(kind, loop begin, loop end, body begin) for every loop of the file itself."""
    text = open(source, "rb").read()
    found = []

    def offset(loc):
        loc = loc.get("expansionLoc", loc)
        return loc.get("offset")

    def walk(node):
        if not isinstance(node, dict):
            return
        kind = node.get("kind")
        if kind in ("ForStmt", "WhileStmt", "DoStmt", "FunctionDecl"):
            begin = offset(node.get("range", {}).get("begin", {}))
            end_loc = node.get("range", {}).get("end", {})
            end = offset(end_loc)
            keyword = {"ForStmt": b"for", "WhileStmt": b"while", "DoStmt": b"do"}.get(kind)
            inner = node.get("inner", [])
            if kind == "FunctionDecl":
                if begin is not None and any(c.get("kind") == "CompoundStmt" for c in inner):
                    found.append((kind, begin, end + end_loc.get("tokLen", 1), None))
            elif begin is not None and text[begin:begin + len(keyword)] == keyword:
                body = inner[0] if kind == "DoStmt" else inner[-1]
                found.append((kind, begin, end + end_loc.get("tokLen", 1),
                              offset(body.get("range", {}).get("begin", {}))))
        for child in node.get("inner", []):
            walk(child)

    walk(ast)
    return found


def clang_ast(source):
    return json.loads(run(["clang", "-Xclang", "-ast-dump=json", "-fsyntax-only", "-fsigned-char",
                           "-std=c99", source]).stdout)


def in_main_file(node):
    loc = node.get("loc", {})
    loc = loc.get("expansionLoc", loc)
    return "includedFrom" not in loc


def function_definitions(unit, ast):
    """(key, name, node) of every function defined in the file itself; static ones are keyed per file."""
    out = []
    for node in ast.get("inner", []):
        if node.get("kind") == "FunctionDecl" and in_main_file(node) \
                and any(c.get("kind") == "CompoundStmt" for c in node.get("inner", [])):
            key = (unit, node["name"]) if node.get("storageClass") == "static" else (None, node["name"])
            out.append((key, node["name"], node))
    return out


def direct_callees(node):
    """Names of the functions a function's body calls directly (through implicit casts and parentheses)."""
    names = []

    def callee(n):
        while n.get("kind") in ("ImplicitCastExpr", "ParenExpr") and n.get("inner"):
            n = n["inner"][0]
        ref = n.get("referencedDecl", {})
        return ref.get("name") if n.get("kind") == "DeclRefExpr" and ref.get("kind") == "FunctionDecl" else None

    def walk(n):
        if not isinstance(n, dict):
            return
        if n.get("kind") == "CallExpr" and n.get("inner"):
            name = callee(n["inner"][0])
            if name:
                names.append(name)
        for child in n.get("inner", []):
            walk(child)

    walk(node)
    return names


def recursive_functions(asts):
    """Keys of the functions on a cycle of direct calls over all files (docs/CODEGEN.md: entry sites)."""
    defined = {}
    for unit, ast in asts.items():
        for key, name, node in function_definitions(unit, ast):
            defined[key] = (unit, node)
    graph = {}
    for key, (unit, node) in defined.items():
        out = []
        for name in direct_callees(node):
            target = (unit, name) if (unit, name) in defined else (None, name)
            if target in defined and target not in out:
                out.append(target)
        graph[key] = out
    index, low, stack, on_stack, cyclic = {}, {}, [], set(), set()
    counter = [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                cyclic.update(component)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in graph:
        if v not in index:
            strongconnect(v)
    return cyclic


def instrument_for_counting(source, ast, recursive, out_path):
    text = open(source, "rb").read()
    nodes = loop_bodies(source, ast)
    excluded = []
    for m in re.finditer(rb"^[ \t]*#[ \t]*pragma[ \t]+talent[ \t]+nocheckpoint[ \t]*$", text, re.M):
        following = [n for n in nodes if n[1] > m.end()]
        target = min(following, key=lambda n: n[1])
        excluded.append((target[1], target[2]))
    inserts = []
    for kind, begin, end, body in nodes:
        if kind == "FunctionDecl" or any(b <= begin < e for b, e in excluded):
            continue
        inserts.append((body, b"if ((++talent_count_visits), 0) {} else "))
    for key, name, node in function_definitions(source, ast):
        if key not in recursive:
            continue
        begin = node.get("range", {}).get("begin", {})
        begin = begin.get("expansionLoc", begin).get("offset")
        if begin is None or any(b <= begin < e for b, e in excluded):
            continue
        body = next(c for c in node["inner"] if c.get("kind") == "CompoundStmt")
        if not body.get("inner"):
            continue
        brace = body["range"]["begin"]
        brace = brace.get("expansionLoc", brace)["offset"]
        inserts.append((brace + 1, b" ++talent_count_visits;"))
    for m in re.finditer(rb"^[ \t]*#[ \t]*pragma[ \t]+talent[ \t]+checkpoint[ \t]*$", text, re.M):
        inserts.append((m.start(), b"++talent_count_visits; //"))  # the pragma is commented out, lines stay
    for position, snippet in sorted(inserts, key=lambda i: i[0], reverse=True):
        text = text[:position] + snippet + text[position:]
    prologue = (b"#include <stdio.h>\nstatic unsigned long talent_count_visits;\n"
                b"__attribute__((destructor)) static void talent_count_report(void) "
                b"{ fprintf(stderr, \"\\nTALENT_SITE_VISITS %lu\\n\", talent_count_visits); }\n#line 1\n")
    with open(out_path, "wb") as f:
        f.write(prologue + text)


# ---------------------------------------------------------------- checks


def check_program(program, use_valgrind):
    name = program["name"]
    problems = []
    notes = []
    root = tempfile.mkdtemp(prefix="talent-corpus-" + name + "-")
    try:
        results = {}
        for isa, (compiler, flags, emulator) in ISAS.items():
            if shutil.which(compiler) is None or (emulator and shutil.which(emulator) is None):
                problems.append(f"{isa}: {compiler} or {emulator} missing, cannot check")
                continue
            binary = os.path.join(root, f"{name}.{isa}")
            built = run([compiler] + COMMON_FLAGS + flags + ["-o", binary] + sources(program) + libs(program))
            if built.returncode != 0:
                problems.append(f"{isa}: build failed:\n{built.stderr.decode(errors='replace')}")
                continue
            results[isa] = execute(program, binary, emulator, root, isa)
        reference = results.get("x86_64")
        if reference is None:
            return name, problems + ["no x86_64 reference run"], notes
        ref_run, ref_files = reference
        if ref_run.returncode != program.get("exitCode", 0):
            problems.append(f"x86_64 exit status {ref_run.returncode}, manifest says {program.get('exitCode', 0)}; "
                            f"stderr: {ref_run.stderr.decode(errors='replace')}")
        for name_out, content in ref_files.items():
            if content is None:
                problems.append(f"x86_64 did not write {name_out}")
        lines = ref_run.stdout.count(b"\n")
        notes.append(f"{lines} stdout lines, {len(ref_run.stdout)} bytes")
        for isa, (result, files) in results.items():
            if isa == "x86_64":
                continue
            if result.stdout != ref_run.stdout:
                problems.append(f"{isa}: stdout differs from x86_64:\n" + first_difference(ref_run.stdout, result.stdout))
            if result.returncode != ref_run.returncode:
                problems.append(f"{isa}: exit status {result.returncode} != {ref_run.returncode}")
            for name_out, content in files.items():
                if content != ref_files.get(name_out):
                    problems.append(f"{isa}: output file {name_out} differs from x86_64")

        sanitized = os.path.join(root, name + ".asan")
        built = run(["gcc", "-std=c99", "-O1", "-g", "-fsanitize=undefined,address", "-fno-sanitize-recover=all",
                     "-fsigned-char", "-ffp-contract=off", "-Wno-unknown-pragmas", "-o", sanitized]
                    + sources(program) + libs(program))
        if built.returncode != 0:
            problems.append("sanitizer build failed: " + built.stderr.decode(errors="replace"))
        else:
            result, files = execute(program, sanitized, None, root, "asan")
            if result.returncode != ref_run.returncode or result.stdout != ref_run.stdout or files != ref_files:
                problems.append("sanitizer run differs: " + result.stderr.decode(errors="replace")[-2000:])

        if use_valgrind:
            plain = os.path.join(root, name + ".O0")
            run(["gcc", "-std=c99", "-O0", "-g", "-fsigned-char", "-Wno-unknown-pragmas", "-o", plain]
                + sources(program) + libs(program))
            result, files = execute(program, plain, None, root, "valgrind",
                                    prefix=["valgrind", "-q", "--error-exitcode=99", "--track-origins=yes"])
            # only memcheck errors count: valgrind computes long double in 64 bits, so output may differ
            if result.returncode == 99:
                problems.append("valgrind: " + result.stderr.decode(errors="replace")[-3000:])

        counting_dir = os.path.join(root, "counting-src")
        os.makedirs(counting_dir)
        counted_sources = []
        asts = {source: clang_ast(source) for source in sources(program)}
        recursive = recursive_functions(asts)
        for source in sources(program):
            target = os.path.join(counting_dir, os.path.basename(source))
            instrument_for_counting(source, asts[source], recursive, target)
            counted_sources.append(target)
        counter = os.path.join(root, name + ".count")
        built = run(["gcc", "-std=c99", "-O1", "-fsigned-char", "-Wno-unknown-pragmas", "-o", counter]
                    + counted_sources + libs(program))
        if built.returncode != 0:
            problems.append("site counting build failed: " + built.stderr.decode(errors="replace"))
        else:
            result, files = execute(program, counter, None, root, "count")
            match = re.search(rb"TALENT_SITE_VISITS (\d+)", result.stderr)
            if result.stdout != ref_run.stdout or match is None:
                problems.append("site counting run differs from the plain run")
            else:
                visits = int(match.group(1))
                notes.append(f"{visits} site visits")
                if visits != program.get("siteVisits"):
                    problems.append(f"manifest siteVisits {program.get('siteVisits')} != counted {visits}")
                for chain in program.get("chains", []):
                    total = sum(n for n in chain if n is not None)
                    if total > visits:
                        problems.append(f"chain {chain} (sum {total}) stops after the end of the run ({visits})")
                refused = program.get("restoreRefused")
                if refused and refused["stopAfter"] >= visits:
                    problems.append("restoreRefused.stopAfter beyond the end of the run")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return program["name"], problems, notes


def first_difference(expected, actual):
    e_lines = expected.decode(errors="replace").splitlines()
    a_lines = actual.decode(errors="replace").splitlines()
    for i in range(max(len(e_lines), len(a_lines))):
        e = e_lines[i] if i < len(e_lines) else "<end of output>"
        a = a_lines[i] if i < len(a_lines) else "<end of output>"
        if e != a:
            return f"  line {i + 1}:\n    x86_64: {e}\n    other:  {a}"
    return "  (same lines, different bytes)"


def main(argv):
    use_valgrind = "--valgrind" in argv
    wanted = [a for a in argv if not a.startswith("--")]
    manifest = json.load(open(os.path.join(CORPUS, "corpus.json")))
    programs = [p for p in manifest["programs"] if not wanted or p["name"] in wanted]
    listed = {s for p in manifest["programs"] for s in p["sources"]}
    on_disk = {f for f in os.listdir(CORPUS) if f.endswith(".c")}
    failed = False
    if not wanted and listed != on_disk:
        print(f"corpus.json and the .c files disagree: {sorted(listed ^ on_disk)}")
        failed = True
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, problems, notes in pool.map(lambda p: check_program(p, use_valgrind), programs):
            status = "FAIL" if problems else "ok"
            print(f"{status:4} {name:12} {', '.join(notes)}")
            for problem in problems:
                print("     " + problem.replace("\n", "\n     "))
            failed = failed or bool(problems)
    print("all programs agree on every ISA" if not failed else "CORPUS CHECK FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
