from ordermesh_mock.server import main

raise SystemExit(main())
