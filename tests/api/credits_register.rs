//! The certificate register (sổ cấp chứng chỉ) of an issuing centre: its columns and lines in
//! register order, fifty to a page, one year's when asked, the same in `.xlsx`; for the
//! Department's admins and the managers of its centres, linked from the organisation's page.

use reqwest::StatusCode;

use crate::{
    credits_print::other_department_admin,
    credits_verify::profile_holder,
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
};

/// Fifty certificates entered in TT-B's register in 2018, before the one issued today.
async fn old_lines(app: &TestApp, template: &str) {
    for i in 1..=50 {
        sqlx::query(
            "INSERT INTO certificates (id, number, register_number, person_id, certificate,
                                       issuer_id, issued_on, expires_on, holder_name,
                                       holder_birth_date, holder_id_tail, modules, basis,
                                       created_at)
             SELECT $1, $2, $3, person_id, certificate, issuer_id, '2018-05-06', NULL,
                    $4, holder_birth_date, holder_id_tail, modules, basis, $5
             FROM certificates WHERE id = $6",
        )
        .bind(format!("old-{i}"))
        .bind(format!("R{i:03}-0000-0000"))
        .bind(format!("TT-B-2018-{i:05}"))
        .bind(format!("Người cũ {i}"))
        .bind(i64::from(i))
        .bind(template)
        .execute(&app.db.write)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_register_lists_a_centres_certificates_by_page_and_year_and_as_xlsx() {
    let app = spawn_app_with_demo().await;
    let (history, (id, number, register)) = profile_holder(&app).await;
    old_lines(&app, &id).await;
    let name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = $1")
        .bind(&history.person)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let centre = app.org_id("TT-B").await;
    app.signed_in_as(MANAGER).await;
    let base = format!("/orgs/{centre}/certificates");

    let first = app.get_text(&base).await;
    for column in [
        "STT",
        "Số hiệu",
        "Số vào sổ",
        "Họ và tên",
        "Ngày sinh",
        "Mô đun",
        "Ngày cấp",
        "Tình trạng",
    ] {
        assert!(first.contains(&format!(">{column}</th>")), "{column}");
    }
    assert!(first.contains("Số chứng chỉ: 51"));
    assert!(first.contains("TT-B-2018-00001") && first.contains("TT-B-2018-00050"));
    assert!(!first.contains(&register), "the 51st line is on page 2");
    let second = app.get_text(&format!("{base}?page=2")).await;
    let line = &second[second.find("<tbody>").unwrap()..];
    for cell in [
        "<td class=\"num\">51</td>",
        &format!("<a href=\"/certificates/{id}/print\">{number}</a>"),
        &register,
        &name,
        "ICDL-CE",
        "Còn hiệu lực",
    ] {
        assert!(line.contains(cell), "{cell:?} on page 2");
    }
    assert!(!line.contains("TT-B-2018-"));

    let year = app.get_text(&format!("{base}?year=2018")).await;
    assert!(year.contains("Số chứng chỉ: 50") && !year.contains(&register));
    assert!(year.contains("06/05/2018"));

    let res = app.get(&format!("{base}.xlsx?year=2018")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("so-cap-chung-chi-TT-B-2018.xlsx")
    );
    let table = sathach::sheets::read_xlsx(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(table.len(), 51, "a header and fifty lines");
    let all = sathach::sheets::read_xlsx(
        &app.get(&format!("{base}.xlsx"))
            .await
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        all[0].1,
        [
            "STT",
            "Số hiệu",
            "Số vào sổ",
            "Họ và tên",
            "Ngày sinh",
            "Mô đun",
            "Ngày cấp",
            "Tình trạng"
        ]
    );
    let last = &all[51].1;
    assert_eq!(
        (&last[0], &last[1], &last[2], &last[3], &last[5], &last[7]),
        (
            &"51".to_string(),
            &number,
            &register,
            &name,
            &"ICDL-CE".to_string(),
            &"Còn hiệu lực".to_string()
        )
    );
    assert_eq!(all[1].1[2], "TT-B-2018-00001");
}

#[tokio::test]
async fn only_the_departments_admins_and_centre_managers_see_a_register() {
    let app = spawn_app_with_demo().await;
    profile_holder(&app).await;
    let centre = app.org_id("TT-B").await;
    let path = format!("/orgs/{centre}/certificates");
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    assert_eq!(admin.get(&path).await.status(), StatusCode::OK);
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(proctor.get(&path).await.status(), StatusCode::FORBIDDEN);
    let xlsx = format!("{path}.xlsx");
    assert_eq!(proctor.get(&xlsx).await.status(), StatusCode::FORBIDDEN);
    let elsewhere = other_department_admin(&app).await;
    assert_eq!(elsewhere.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.get(&xlsx).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path).await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );

    // The organisation's page links to its register for those who may see it.
    let own = app.org_id("TT-SAOMAI").await;
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let link = format!("href=\"/orgs/{own}/certificates\"");
    assert!(
        manager
            .get_text(&format!("/orgs/{own}"))
            .await
            .contains(&link)
    );
    assert!(
        !proctor
            .get_text(&format!("/orgs/{own}"))
            .await
            .contains(&link)
    );
}
