mod common;
#[test]
#[ignore]
fn dump() {
    let e = common::engine();
    let r = common::render_doc(&e, &common::load(&common::sample("ninh-giang-2022/ke-hoach.json")));
    for l in r.ins.lines(0).iter().take(12) {
        println!("{:6.1} {:6.1}-{:6.1} {:4.1} b={} i={} {}", l.y, l.x0, l.x1, l.size(), l.bold(), l.italic(), l.text());
    }
    for r in &r.ins.rules { println!("rule p{} x={:.1} y={:.1} len={:.1}", r.page, r.x, r.y, r.length); }
}
#[test]
#[ignore]
fn ink() {
    let e = common::engine();
    let r = common::render_doc(&e, &common::load(&common::sample("ninh-giang-2022/ke-hoach.json")));
    for p in 0..r.ins.pages.len() {
        let runs: Vec<_> = r.ins.runs.iter().filter(|x| x.page == p).collect();
        let l = runs.iter().map(|x| x.ink.0).fold(f64::INFINITY, f64::min);
        let t = runs.iter().map(|x| x.ink.1).fold(f64::INFINITY, f64::min);
        let rr = runs.iter().map(|x| x.ink.2).fold(f64::NEG_INFINITY, f64::max);
        let b = runs.iter().map(|x| x.ink.3).fold(f64::NEG_INFINITY, f64::max);
        println!("page {p}: ink l={l:.2} t={t:.2} r={rr:.2} b={b:.2}");
    }
}
