"""Choose the unlisted detector's knobs on half T only: pairs and terms from T1, scores on T2 (T split again by another hash).

    PYTHONPATH=. python scripts/tune_unlisted.py '{"threshold": 7}'   # knobs to try, as JSON
"""
import sys, json, zlib, importlib.util
from restore import Restorer
from restore.split import tortured_half, expected_key
from restore.unlisted import UnlistedDetector, load_words
from restore.tokenize import tokenize, sentences
from benchmarks.science import half_rows
from benchmarks.datasets import tortured_in_context, seed_clean
from benchmarks.metrics import overlaps, fixes
spec=importlib.util.spec_from_file_location("bt","scripts/build_terms.py"); bt=importlib.util.module_from_spec(spec); spec.loader.exec_module(bt)
rows=[r for r in bt.read_tortured(bt.ROOT.parent/"shared/data/tortured_dev.tsv") if tortured_half(r[1])=="T"]
one=lambda e: zlib.crc32((expected_key(e)+"#2").encode())%2
T1=[r for r in rows if one(r[1])==0]
pairs=bt.word_pairs(T1)
words={}
for (x,y),n in pairs.items(): words.setdefault(x,[]).append((y,round(n/(n+1),3),"pps"))
for x,opts in load_words().items():
    for y,w,src in opts:
        if src=="mythes": words.setdefault(x,[]).append((y,w,src))
terms=[l.split("\t")[0] for l in open("lexicons/terms.tsv") if not l.startswith("#") and l.rstrip().endswith("wordnet")]
terms+= [bt.clean_expected(e) for _,e in T1]
r=Restorer(unlisted=True)
params=json.loads(sys.argv[1]) if len(sys.argv)>1 else {}
det=UnlistedDetector(r.lm, r.lexicon, params=params, terms=terms, words=words)
T2=[(t,e) for t,e in half_rows('T',None) if one(e)==1]
import random; T2=random.Random(3).sample(T2,250)
exs=tortured_in_context(T2)
sc=[]; K5=[]
for ex in exs:
    toks=tokenize(ex.spun); sp=ex.spans[0]; i=o=-99; ok=False; ok5=False
    for u in det.runs(toks,sentences(ex.spun,toks)):
        if overlaps(sp,u.start,u.end):
            if u.score>i: i=u.score; ok=bool(u.options) and fixes(ex,u.start,u.end,u.options[0][0])
            if any(fixes(ex,u.start,u.end,x) for x,_ in u.options[:5]): ok5=True
        else: o=max(o,u.score)
    sc.append((i,o,ok)); K5.append(ok5)
text=seed_clean().spun; toks=tokenize(text); sents=sentences(text,toks)
idx={id(t):k for k,t in enumerate(toks)}; sid={}
for n,s in enumerate(sents):
    for t in s: sid[idx[id(t)]]=n
best={}
for u in det.runs(toks,sents): best[sid[u.first]]=max(best.get(sid[u.first],-99),u.score)
print('any-run top5', sum(K5)/len(K5))
for t in range(3,20,2):
    rec=sum(i>=t for i,_,_ in sc)/len(sc); ff=sum(o>=t for _,o,_ in sc)/len(sc); sd=sum(v>=t for v in best.values())/len(sents)
    right=sum(ok for i,_,ok in sc if i>=t)/len(sc)
    print(t, f"recall {rec:.3f} top1-if-restored {right:.3f} tplff {ff:.3f} seed {sd:.3f}")
